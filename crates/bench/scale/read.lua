-- wrk script of `make bench-scale`: GET <kind>/user-<random 1..n> with an admin bearer token, so that the
-- reads spread over every seeded account (a scale test must not read one hot row).
-- Arguments after `--`: n, token, kind (status | metrics).
local n, headers, kind
function init(args)
   n = tonumber(args[1])
   headers = { ["Authorization"] = "Bearer " .. args[2] }
   kind = args[3]
   math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end
function request()
   return wrk.format("GET", "/api/v1/integrations/tiktok/" .. kind .. "/user-" .. math.random(1, n), headers)
end
