DROP TABLE event_deliveries;
DROP TABLE event_endpoints;
DROP TABLE events;
