//! The checked-in OpenAPI document (docs/openapi.json) is the one the code generates.
//! `make openapi` (`UPDATE_OPENAPI=1`) rewrites it after a change of the API.

use std::path::PathBuf;

use tiktok_api::routes::openapi::ApiDoc;
use utoipa::OpenApi;

#[test]
fn the_checked_in_openapi_document_matches_the_code() {
    let generated = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the document serializes")
        + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("docs/openapi.json is written");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/openapi.json is stale: run `make openapi` and commit it"
    );
}
