//! The Shop routes' own parameters, checked into domain values with the contract's 400 answers.

use tiktok_domain::shop::OrderStatus;

use crate::error::ApiError;

/// Pattern of `shop_id`: TikTok's shop ids are digits (beyond 2^53, kept as text).
pub const SHOP_ID_PATTERN: &str = "^[0-9]{1,32}$";

/// Pattern of `cursor`: what this service issues (`<epoch seconds>.<id>`).
pub const CURSOR_PATTERN: &str = "^-?[0-9]{1,12}\\.[A-Za-z0-9]{1,64}$";

/// TikTok Shop's product statuses (Search Products' `status`).
pub const PRODUCT_STATUSES: [&str; 8] = [
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
];

/// Orders and products per page when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 20;

/// `shop_id`, when given: digits only.
pub fn shop_id(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(id) if !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(id.to_owned()))
        }
        Some(_) => Err(ApiError::invalid_request(
            "shop_id must be a TikTok Shop shop id (1 to 32 digits)",
        )),
    }
}

/// An order `status` filter: one of the Order API's names.
pub fn order_status(raw: Option<&str>) -> Result<Option<OrderStatus>, ApiError> {
    match raw {
        None => Ok(None),
        Some(raw) => OrderStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "status must be one of {}",
                    OrderStatus::ALL.map(OrderStatus::as_str).join(", ")
                ))
            }),
    }
}

/// A product `status` filter: one of [`PRODUCT_STATUSES`].
pub fn product_status(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(raw) if PRODUCT_STATUSES.contains(&raw) => Ok(Some(raw.to_owned())),
        Some(_) => Err(ApiError::invalid_request(format!(
            "status must be one of {}",
            PRODUCT_STATUSES.join(", ")
        ))),
    }
}

/// Every order status name, for the OpenAPI enum.
pub fn order_statuses() -> Vec<&'static str> {
    OrderStatus::ALL.map(OrderStatus::as_str).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_accept_only_tiktoks_names_and_shop_ids_only_digits() {
        assert_eq!(
            order_status(Some("ON_HOLD")).unwrap(),
            Some(OrderStatus::OnHold)
        );
        assert!(
            order_status(Some("CANCEL")).is_err(),
            "the webhook's spelling is not a filter"
        );
        assert!(order_status(Some("on_hold")).is_err());
        assert_eq!(
            product_status(Some("ACTIVATE")).unwrap().as_deref(),
            Some("ACTIVATE")
        );
        assert!(product_status(Some("ACTIVE")).is_err());
        assert_eq!(
            shop_id(Some("7000714532876273420")).unwrap().as_deref(),
            Some("7000714532876273420")
        );
        for bad in ["", "12a", "1 2", &"9".repeat(33)] {
            assert!(shop_id(Some(bad)).is_err(), "{bad}");
        }
    }
}
