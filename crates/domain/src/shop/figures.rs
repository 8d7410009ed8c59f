//! The figures a sync computes and keeps: per shop and currency, orders and revenue over 1/7/30 days, units
//! sold, orders by status, top products by units. Exact decimals; currencies never added together.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::{Decimal, ShopOrder};

/// Orders and revenue of one window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WindowFigures {
    /// Orders created in the window that count (paid, not cancelled).
    pub orders: u64,
    /// The sum of their `total_amount`.
    pub revenue: Decimal,
    /// Their line items (one unit each).
    pub units: u64,
}

/// A product's units sold in the last 30 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopProduct {
    /// The product id.
    pub product_id: String,
    /// Its name as the orders carry it.
    pub product_name: String,
    /// Units sold.
    pub units: u64,
}

/// The figures of one currency of one shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyFigures {
    /// The currency.
    pub currency: String,
    /// Last 24 hours.
    pub day: WindowFigures,
    /// Last 7 days.
    pub week: WindowFigures,
    /// Last 30 days.
    pub month: WindowFigures,
    /// Orders of the last 30 days by status (every status, cancelled and unpaid included).
    pub by_status: BTreeMap<&'static str, u64>,
    /// At most ten products by units over 30 days, most first (ties by id).
    pub top_products: Vec<TopProduct>,
}

/// Units per product id, with the product's name.
type UnitsByProduct<'a> = BTreeMap<&'a str, (&'a str, u64)>;

/// How many top products are kept.
pub const TOP_PRODUCTS: usize = 10;

/// Computes the figures from the orders (those created in the last 30 days matter). `None` if a sum
/// overflows (far beyond any real revenue).
pub fn compute(orders: &[ShopOrder], now: DateTime<Utc>) -> Option<Vec<CurrencyFigures>> {
    let month_start = now - Duration::days(30);
    let mut per_currency: BTreeMap<&str, (CurrencyFigures, UnitsByProduct<'_>)> = BTreeMap::new();
    for order in orders
        .iter()
        .filter(|o| o.created_at > month_start && o.created_at <= now)
    {
        let (figures, products) =
            per_currency
                .entry(order.currency.as_str())
                .or_insert_with(|| {
                    (
                        CurrencyFigures {
                            currency: order.currency.clone(),
                            day: WindowFigures::default(),
                            week: WindowFigures::default(),
                            month: WindowFigures::default(),
                            by_status: BTreeMap::new(),
                            top_products: Vec::new(),
                        },
                        BTreeMap::new(),
                    )
                });
        *figures.by_status.entry(order.status.as_str()).or_default() += 1;
        if !order.status.counts_as_revenue() {
            continue;
        }
        let units = order.line_items.len() as u64;
        let age = now - order.created_at;
        for (window, limit) in [
            (&mut figures.day, Duration::days(1)),
            (&mut figures.week, Duration::days(7)),
            (&mut figures.month, Duration::days(30)),
        ] {
            if age < limit {
                window.orders += 1;
                window.units += units;
                window.revenue = window.revenue.checked_add(order.total_amount)?;
            }
        }
        for item in &order.line_items {
            let entry = products
                .entry(item.product_id.as_str())
                .or_insert((item.product_name.as_str(), 0));
            entry.1 += 1;
        }
    }
    Some(
        per_currency
            .into_values()
            .map(|(mut figures, products)| {
                let mut top: Vec<TopProduct> = products
                    .into_iter()
                    .map(|(id, (name, units))| TopProduct {
                        product_id: id.to_owned(),
                        product_name: name.to_owned(),
                        units,
                    })
                    .collect();
                top.sort_by(|a, b| {
                    b.units
                        .cmp(&a.units)
                        .then_with(|| a.product_id.cmp(&b.product_id))
                });
                top.truncate(TOP_PRODUCTS);
                figures.top_products = top;
                figures
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shop::{LineItem, OrderStatus};

    fn order(
        i: u32,
        currency: &str,
        status: OrderStatus,
        hours_ago: i64,
        amount: &str,
        units: u32,
        now: DateTime<Utc>,
    ) -> ShopOrder {
        ShopOrder {
            id: format!("57600000000000{i:04}"),
            status,
            created_at: now - Duration::hours(hours_ago),
            updated_at: now,
            currency: currency.to_owned(),
            total_amount: amount.parse().expect("amount"),
            line_items: (0..units)
                .map(|u| LineItem {
                    id: format!("{i}-{u}"),
                    product_id: format!("p{}", i % 3),
                    product_name: format!("Product {}", i % 3),
                    sku_id: "s".into(),
                    sale_price: None,
                })
                .collect(),
        }
    }

    #[test]
    fn windows_currencies_and_statuses() {
        let now = Utc::now();
        let orders = vec![
            order(1, "USD", OrderStatus::Completed, 2, "10.10", 2, now),
            order(2, "USD", OrderStatus::OnHold, 48, "0.20", 1, now),
            order(3, "USD", OrderStatus::Cancelled, 3, "99.99", 1, now),
            order(4, "USD", OrderStatus::Unpaid, 3, "5.00", 1, now),
            order(5, "USD", OrderStatus::Delivered, 24 * 20, "1.005", 3, now),
            order(6, "USD", OrderStatus::Delivered, 24 * 40, "1000", 1, now),
            order(7, "GBP", OrderStatus::InTransit, 1, "7.50", 1, now),
        ];
        let figures = compute(&orders, now).expect("figures");
        assert_eq!(figures.len(), 2);
        let (gbp, usd) = (&figures[0], &figures[1]);
        assert_eq!(
            (
                gbp.currency.as_str(),
                gbp.month.revenue.to_string().as_str()
            ),
            ("GBP", "7.50")
        );
        assert_eq!(
            usd.day,
            WindowFigures {
                orders: 1,
                revenue: "10.10".parse().expect("d"),
                units: 2
            }
        );
        assert_eq!(usd.week.revenue.to_string(), "10.30");
        assert_eq!(usd.month.revenue.to_string(), "11.305");
        assert_eq!(usd.month.units, 6);
        assert_eq!(usd.by_status.get("CANCELLED"), Some(&1));
        assert_eq!(usd.by_status.get("UNPAID"), Some(&1));
        assert_eq!(
            usd.by_status.values().sum::<u64>(),
            5,
            "the 40-day-old order is outside"
        );
        // p2: one unit of order 2 and three of order 5; p1: two of order 1.
        let top: Vec<(&str, u64)> = usd
            .top_products
            .iter()
            .map(|p| (p.product_id.as_str(), p.units))
            .collect();
        assert_eq!(top, vec![("p2", 4), ("p1", 2)]);
    }

    #[test]
    fn thousands_of_orders_sum_exactly() {
        let now = Utc::now();
        let orders: Vec<ShopOrder> = (0..5_000)
            .map(|i| {
                order(
                    i,
                    if i % 2 == 0 { "USD" } else { "EUR" },
                    OrderStatus::Completed,
                    1,
                    &format!("{}.{:02}", i % 97, i % 100),
                    1,
                    now,
                )
            })
            .collect();
        let figures = compute(&orders, now).expect("figures");
        for f in figures {
            let parity = u32::from(f.currency == "EUR");
            let cents: u64 = (0..5_000u32)
                .filter(|i| i % 2 == parity)
                .map(|i| u64::from(i % 97) * 100 + u64::from(i % 100))
                .sum();
            assert_eq!(
                f.day.revenue.to_string(),
                format!("{}.{:02}", cents / 100, cents % 100)
            );
            assert_eq!(f.day.orders, 2_500);
        }
    }
}
