//! docs/openapi.json is the OpenAPI document the code generates; this test fails when they differ.
//! `make openapi` (UPDATE_OPENAPI=1) rewrites the file.

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
        "/api/v1/integrations/tiktok/webhooks",
        "/health/live",
        "/health/ready",
    ] {
        assert!(
            document.paths.paths.contains_key(path),
            "{path} is missing from the OpenAPI document"
        );
    }
}
