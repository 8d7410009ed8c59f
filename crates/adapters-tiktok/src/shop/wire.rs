//! TikTok Shop data shapes (lenient: unknown keys ignored), and their conversion to the domain's.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};
use tiktok_domain::shop::{
    AuthorizedShop, Decimal, LineItem, OrderStatus, Page, ShopApiError, ShopCipher, ShopGrant,
    ShopOrder, ShopProduct, ShopSku,
};
use tiktok_domain::values::{AccessToken, RefreshToken};

use crate::client::WireError;

fn invalid(what: &str) -> ShopApiError {
    ShopApiError::InvalidResponse(Box::new(WireError::missing(what)))
}

/// An absolute epoch-seconds instant (TikTok's `*_expire_in`, `*_time`), beyond 2^32 included.
fn instant(seconds: i64, what: &str) -> Result<DateTime<Utc>, ShopApiError> {
    DateTime::from_timestamp(seconds, 0).ok_or_else(|| invalid(what))
}

/// Ids are digit strings beyond 2^53; a bare JSON number is read as an integer, never through an f64.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(u64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Number(n) => n.to_string(),
    })
}

/// `data` of token get and refresh.
#[derive(Deserialize)]
pub(crate) struct TokenData {
    access_token: String,
    access_token_expire_in: i64,
    refresh_token: String,
    refresh_token_expire_in: i64,
    #[serde(default)]
    open_id: String,
    #[serde(default)]
    seller_name: String,
    #[serde(default)]
    seller_base_region: String,
    #[serde(default)]
    granted_scopes: Vec<String>,
}

impl TryFrom<TokenData> for ShopGrant {
    type Error = ShopApiError;

    fn try_from(t: TokenData) -> Result<Self, ShopApiError> {
        if t.access_token.is_empty() || t.refresh_token.is_empty() {
            return Err(invalid("a token"));
        }
        Ok(ShopGrant {
            open_id: t.open_id,
            seller_name: t.seller_name,
            seller_base_region: t.seller_base_region,
            granted_scopes: t.granted_scopes,
            access_token: AccessToken::new(SecretString::from(t.access_token)),
            access_expires_at: instant(t.access_token_expire_in, "access_token_expire_in")?,
            refresh_token: RefreshToken::new(SecretString::from(t.refresh_token)),
            refresh_expires_at: instant(t.refresh_token_expire_in, "refresh_token_expire_in")?,
        })
    }
}

/// `data` of `GET /authorization/202309/shops`.
#[derive(Deserialize)]
pub(crate) struct ShopsData {
    #[serde(default)]
    shops: Vec<ShopDto>,
}

#[derive(Deserialize)]
struct ShopDto {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    seller_type: String,
    #[serde(default)]
    code: String,
    cipher: String,
}

impl From<ShopsData> for Vec<AuthorizedShop> {
    fn from(d: ShopsData) -> Self {
        d.shops
            .into_iter()
            .map(|s| AuthorizedShop {
                id: s.id,
                name: s.name,
                region: s.region,
                seller_type: s.seller_type,
                code: s.code,
                cipher: ShopCipher::new(SecretString::from(s.cipher)),
            })
            .collect()
    }
}

/// `data` of a search: `next_page_token` (`""` on the last page), `total_count` and the items.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct SearchData<T> {
    #[serde(default)]
    next_page_token: Option<String>,
    #[serde(default)]
    total_count: u64,
    #[serde(default, alias = "orders", alias = "products")]
    items: Vec<T>,
}

impl<T> SearchData<T> {
    /// The page, each item converted; items that cannot be converted fail the page.
    pub(crate) fn into_page<U>(
        self,
        convert: impl Fn(T) -> Result<Option<U>, ShopApiError>,
    ) -> Result<Page<U>, ShopApiError> {
        let mut items = Vec::with_capacity(self.items.len());
        for item in self.items {
            if let Some(item) = convert(item)? {
                items.push(item);
            }
        }
        Ok(Page {
            items,
            next_page_token: self.next_page_token.filter(|t| !t.is_empty()),
            total_count: self.total_count,
        })
    }
}

#[derive(Deserialize)]
pub(crate) struct OrderDto {
    #[serde(deserialize_with = "id_text")]
    id: String,
    status: String,
    create_time: i64,
    update_time: i64,
    payment: Option<PaymentDto>,
    #[serde(default)]
    line_items: Vec<LineItemDto>,
}

#[derive(Deserialize)]
struct PaymentDto {
    currency: Option<String>,
    total_amount: Option<String>,
}

#[derive(Deserialize)]
struct LineItemDto {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default, deserialize_with = "id_text")]
    product_id: String,
    #[serde(default)]
    product_name: String,
    #[serde(default, deserialize_with = "id_text")]
    sku_id: String,
    sale_price: Option<String>,
}

fn amount(value: Option<&str>, what: &str) -> Result<Option<Decimal>, ShopApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<Decimal>().map_err(|_| invalid(what)))
        .transpose()
}

/// An order; `None` (logged) for a status this service does not know yet.
pub(crate) fn order(o: OrderDto) -> Result<Option<ShopOrder>, ShopApiError> {
    let Some(status) = OrderStatus::parse(&o.status) else {
        tracing::warn!(order_id = %o.id, status = %o.status, "TikTok Shop order with an unknown status skipped");
        return Ok(None);
    };
    let payment = o.payment.ok_or_else(|| invalid("payment"))?;
    let line_items = o
        .line_items
        .into_iter()
        .map(|l| {
            Ok(LineItem {
                sale_price: amount(l.sale_price.as_deref(), "line_items.sale_price")?,
                id: l.id,
                product_id: l.product_id,
                product_name: l.product_name,
                sku_id: l.sku_id,
            })
        })
        .collect::<Result<_, ShopApiError>>()?;
    Ok(Some(ShopOrder {
        status,
        created_at: instant(o.create_time, "create_time")?,
        updated_at: instant(o.update_time, "update_time")?,
        currency: payment
            .currency
            .ok_or_else(|| invalid("payment.currency"))?,
        total_amount: amount(payment.total_amount.as_deref(), "payment.total_amount")?
            .ok_or_else(|| invalid("payment.total_amount"))?,
        line_items,
        id: o.id,
    }))
}

#[derive(Deserialize)]
pub(crate) struct ProductDto {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    status: String,
    create_time: i64,
    update_time: i64,
    #[serde(default)]
    skus: Vec<SkuDto>,
}

#[derive(Deserialize)]
struct SkuDto {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    seller_sku: String,
    price: Option<PriceDto>,
    #[serde(default)]
    inventory: Vec<InventoryDto>,
}

#[derive(Deserialize)]
struct PriceDto {
    currency: Option<String>,
    tax_exclusive_price: Option<String>,
    sale_price: Option<String>,
}

#[derive(Deserialize)]
struct InventoryDto {
    #[serde(default)]
    quantity: i64,
}

/// A product with its SKUs: price is `tax_exclusive_price`, else `sale_price`; stock sums the warehouses.
pub(crate) fn product(p: ProductDto) -> Result<Option<ShopProduct>, ShopApiError> {
    let skus = p
        .skus
        .into_iter()
        .map(|s| {
            let (currency, price) = match s.price {
                Some(price) => {
                    let exclusive = amount(price.tax_exclusive_price.as_deref(), "price")?;
                    let sale = amount(price.sale_price.as_deref(), "price")?;
                    (price.currency, exclusive.or(sale))
                }
                None => (None, None),
            };
            Ok(ShopSku {
                id: s.id,
                seller_sku: s.seller_sku,
                currency,
                price,
                stock: s.inventory.iter().map(|i| i.quantity).sum(),
            })
        })
        .collect::<Result<_, ShopApiError>>()?;
    Ok(Some(ShopProduct {
        created_at: instant(p.create_time, "create_time")?,
        updated_at: instant(p.update_time, "update_time")?,
        id: p.id,
        title: p.title,
        status: p.status,
        skus,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_expiries_beyond_2_pow_32_are_instants() {
        let data: TokenData = serde_json::from_str(
            r#"{"access_token":"TTP_a","access_token_expire_in":1660556783,"refresh_token":"TTP_r",
                "refresh_token_expire_in":4903858076,"open_id":"7010736057180325637","seller_name":"Jjj",
                "seller_base_region":"ID","user_type":0,"granted_scopes":["seller.x"]}"#,
        )
        .expect("token data");
        let grant = ShopGrant::try_from(data).expect("grant");
        assert_eq!(
            grant.access_expires_at.to_rfc3339(),
            "2022-08-15T09:46:23+00:00"
        );
        assert_eq!(grant.refresh_expires_at.timestamp(), 4_903_858_076);
        assert_eq!(grant.granted_scopes, vec!["seller.x".to_owned()]);
        assert!(!format!("{grant:?}").contains("TTP_"));
    }

    #[test]
    fn orders_keep_big_ids_exact_amounts_and_map_statuses() {
        let data: SearchData<OrderDto> = serde_json::from_str(
            r#"{"next_page_token":"","total_count":2,"orders":[
              {"id":576461413038785752,"status":"ON_HOLD","create_time":1619611561,"update_time":1619621355,
               "payment":{"currency":"USD","total_amount":"5000.10"},
               "line_items":[{"id":"577086512123755123","product_id":"1729582718312380123","sku_id":"2729382476852921560","product_name":"Socks","sale_price":"0.01"}]},
              {"id":"1","status":"SOMETHING_NEW","create_time":1,"update_time":1,"payment":{"currency":"USD","total_amount":"1"}}]}"#,
        )
        .expect("orders");
        let page = data.into_page(order).expect("page");
        assert_eq!(page.next_page_token, None);
        assert_eq!(page.items.len(), 1);
        let o = &page.items[0];
        assert_eq!(o.id, "576461413038785752");
        assert_eq!(o.status, OrderStatus::OnHold);
        assert_eq!(o.total_amount.to_string(), "5000.10");
        assert_eq!(o.line_items[0].product_id, "1729582718312380123");
    }

    #[test]
    fn a_product_takes_the_tax_exclusive_price_and_sums_stock() {
        let data: SearchData<ProductDto> = serde_json::from_str(
            r#"{"next_page_token":"b2Zmc2V0PTAK","total_count":200,"products":[{"id":"1729592969712207008",
               "title":"Socks","status":"ACTIVATE","create_time":1234567890,"update_time":1234567800,
               "skus":[{"id":"1729592969712207012","seller_sku":"R","price":{"currency":"USD","tax_exclusive_price":"111.01","sale_price":"121.11"},
               "inventory":[{"warehouse_id":"1","quantity":999},{"warehouse_id":"2","quantity":1}]}]}]}"#,
        )
        .expect("products");
        let page = data.into_page(product).expect("page");
        assert_eq!(page.next_page_token.as_deref(), Some("b2Zmc2V0PTAK"));
        let sku = &page.items[0].skus[0];
        assert_eq!(sku.price.map(|p| p.to_string()).as_deref(), Some("111.01"));
        assert_eq!(sku.stock, 1000);
    }
}
