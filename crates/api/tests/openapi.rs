//! docs/openapi.json is the OpenAPI document the code generates; this test fails when they differ.
//! `make openapi` (UPDATE_OPENAPI=1) rewrites the file.
#![cfg(test)]

use std::path::PathBuf;

use tiktok_api::routes::openapi::ApiDoc;
use utoipa::OpenApi;

#[test]
fn the_checked_in_openapi_document_matches_the_code() {
    let generated = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the document serialises")
        + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("docs/openapi.json is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/openapi.json differs from the code's OpenAPI document: run `make openapi` and commit the file"
    );
}

#[test]
fn every_contract_path_is_documented() {
    let document = ApiDoc::openapi();
    for path in [
        "/api/v1/integrations/tiktok/status/{user_id}",
        "/api/v1/integrations/tiktok/auth/init",
        "/api/v1/integrations/tiktok/auth/callback",
        "/api/v1/integrations/tiktok/disconnect/{user_id}",
        "/api/v1/integrations/tiktok/sync/{user_id}",
        "/api/v1/integrations/tiktok/metrics/{user_id}",
        "/api/v1/integrations/tiktok/metrics/{user_id}/history",
        "/api/v1/integrations/tiktok/videos/{user_id}",
        "/api/v1/integrations/tiktok/webhooks",
        "/api/v1/integrations/tiktok-shop/status/{user_id}",
        "/api/v1/integrations/tiktok-shop/auth/init",
        "/api/v1/integrations/tiktok-shop/auth/callback",
        "/api/v1/integrations/tiktok-shop/disconnect/{user_id}",
        "/api/v1/integrations/tiktok-shop/sync/{user_id}",
        "/api/v1/integrations/tiktok-shop/metrics/{user_id}",
        "/api/v1/integrations/tiktok-shop/orders/{user_id}",
        "/api/v1/integrations/tiktok-shop/products/{user_id}",
        "/api/v1/integrations/tiktok-shop/webhooks",
        "/api/v1/integrations/tiktok/events",
        "/api/v1/integrations/tiktok/events/{id}/redeliver",
        "/health/live",
        "/health/ready",
    ] {
        assert!(
            document.paths.paths.contains_key(path),
            "{path} is missing from the OpenAPI document"
        );
    }
}

/// The document as JSON, as the service serves it.
fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).expect("the document serialises")
}

/// Every operation: (method, path, operation).
fn operations(document: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut all = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            all.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    all
}

fn parameter<'a>(operation: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    operation["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

#[test]
fn every_user_id_has_the_contracts_pattern_and_is_required() {
    let document = document();
    let mut seen = 0;
    for (method, path, operation) in operations(&document) {
        for p in operation["parameters"].as_array().into_iter().flatten() {
            if p["name"] == "user_id" {
                seen += 1;
                assert_eq!(
                    p["schema"]["pattern"], "^[A-Za-z0-9._:@-]{1,128}$",
                    "{method} {path}"
                );
                assert_eq!(p["schema"]["type"], "string", "{method} {path}");
                assert_eq!(p["required"], true, "{method} {path}");
            }
        }
    }
    assert_eq!(
        seen, 17,
        "user_id on every creator and seller endpoint and the development sign-in"
    );
    let callback = &document["paths"]["/api/v1/integrations/tiktok/auth/callback"]["post"];
    assert_eq!(parameter(callback, "state")["required"], true);
    assert_eq!(parameter(callback, "code")["required"], false);
}

#[test]
fn query_parameters_declare_their_enums_types_and_formats() {
    let document = document();
    let paths = &document["paths"];
    let videos = &paths["/api/v1/integrations/tiktok/videos/{user_id}"]["get"];
    let history = &paths["/api/v1/integrations/tiktok/metrics/{user_id}/history"]["get"];
    let disconnect = &paths["/api/v1/integrations/tiktok/disconnect/{user_id}"]["delete"];
    assert_eq!(
        parameter(videos, "sort")["schema"]["enum"],
        serde_json::json!(["newest", "oldest", "most_viewed"])
    );
    assert_eq!(
        parameter(history, "interval")["schema"]["enum"],
        serde_json::json!(["day", "week"])
    );
    assert_eq!(
        parameter(disconnect, "purge")["schema"]["enum"],
        serde_json::json!(["true", "false"])
    );
    let limit = &parameter(videos, "limit")["schema"];
    assert_eq!(limit["type"], "integer");
    assert_eq!(limit["minimum"], 1);
    for name in ["from", "to"] {
        let forms: Vec<_> = parameter(history, name)["schema"]["anyOf"]
            .as_array()
            .expect("date-time or date")
            .iter()
            .map(|f| f["format"].clone())
            .collect();
        assert_eq!(forms, ["date-time", "date"], "{name}");
    }
}

#[test]
fn secured_operations_document_401_and_403_and_those_taking_a_user_id_400() {
    let document = document();
    let mut secured = 0;
    for (method, path, operation) in operations(&document) {
        let responses = &operation["responses"];
        if operation["security"].is_array() {
            secured += 1;
            for status in ["401", "403"] {
                assert!(
                    responses.get(status).is_some(),
                    "{method} {path} lacks {status}"
                );
            }
        }
        if path.contains("{user_id}") || path.ends_with("/auth/init") {
            assert!(responses.get("400").is_some(), "{method} {path} lacks 400");
        }
    }
    // The eight creator endpoints, the eight secured Shop endpoints, the events feed and redeliver.
    assert_eq!(secured, 18);
}

#[test]
fn every_operation_documents_the_url_and_header_limits_in_the_error_shape() {
    // The limits middleware answers before any handler, on every route: a fuzzer sending an over-long query
    // string to any operation gets 414, which must be a documented answer.
    let document = document();
    for (method, path, operation) in operations(&document) {
        for status in ["414", "431"] {
            let schema = &operation["responses"][status]["content"]["application/json"]["schema"];
            assert_eq!(
                schema["$ref"], "#/components/schemas/ErrorBody",
                "{method} {path}: {status}"
            );
        }
    }
}

#[test]
fn the_webhook_body_is_tiktoks_event_object() {
    let document = document();
    let schema = &document["paths"]["/api/v1/integrations/tiktok/webhooks"]["post"]["requestBody"]
        ["content"]["application/json"]["schema"];
    assert_eq!(schema["$ref"], "#/components/schemas/WebhookEvent");
    let event = &document["components"]["schemas"]["WebhookEvent"];
    assert_eq!(event["type"], "object");
    assert_eq!(
        event["required"],
        serde_json::json!(["client_key", "event", "create_time", "user_openid"])
    );
    assert_eq!(event["properties"]["create_time"]["type"], "integer");
}

#[test]
fn shop_operations_have_unique_shop_prefixed_ids_and_documented_filters() {
    let document = document();
    let mut ids: Vec<String> = operations(&document)
        .into_iter()
        .filter(|(_, path, _)| path.starts_with("/api/v1/integrations/tiktok-shop/"))
        .map(|(_, _, operation)| operation["operationId"].as_str().unwrap_or("").to_owned())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "shop_auth_callback",
            "shop_auth_init",
            "shop_disconnect",
            "shop_metrics",
            "shop_orders",
            "shop_products",
            "shop_status",
            "shop_sync",
            "shop_webhooks",
        ]
    );
    let orders = &document["paths"]["/api/v1/integrations/tiktok-shop/orders/{user_id}"]["get"];
    assert_eq!(
        parameter(orders, "status")["schema"]["enum"],
        serde_json::json!([
            "UNPAID",
            "ON_HOLD",
            "AWAITING_SHIPMENT",
            "PARTIALLY_SHIPPING",
            "AWAITING_COLLECTION",
            "IN_TRANSIT",
            "DELIVERED",
            "COMPLETED",
            "CANCELLED"
        ])
    );
    assert_eq!(
        parameter(orders, "shop_id")["schema"]["pattern"],
        "^[0-9]{1,32}$"
    );
    assert_eq!(parameter(orders, "limit")["schema"]["maximum"], 100);
    let webhook = &document["paths"]["/api/v1/integrations/tiktok-shop/webhooks"]["post"];
    assert!(
        webhook["security"].is_null(),
        "TikTok Shop signs it; no JWT"
    );
    assert!(webhook["responses"]["401"].is_object());
}

#[test]
fn the_events_operations_are_admin_only_with_unique_prefixed_ids() {
    let document = document();
    let paths = &document["paths"];
    let feed = &paths["/api/v1/integrations/tiktok/events"]["get"];
    let redeliver = &paths["/api/v1/integrations/tiktok/events/{id}/redeliver"]["post"];
    assert_eq!(feed["operationId"], "events_feed");
    assert_eq!(redeliver["operationId"], "events_redeliver");
    assert_eq!(
        parameter(feed, "type")["schema"]["enum"],
        serde_json::json!([
            "tiktok.account.connected",
            "tiktok.account.disconnected",
            "tiktok.account.reauth_required",
            "tiktok.account.reauth_due",
            "tiktok.account.synced"
        ])
    );
    assert!(redeliver["responses"].get("202").is_some());
    assert!(redeliver["responses"].get("404").is_some());
    let mut ids: Vec<String> = operations(&document)
        .iter()
        .filter_map(|(_, _, op)| op["operationId"].as_str().map(str::to_owned))
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
}
