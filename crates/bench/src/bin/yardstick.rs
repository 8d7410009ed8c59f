//! `yardstick`: the least an actix-web + Diesel service can do per request on this machine, the benchmark's
//! unit of measure. `GET /items/1` checks a connection out of an r2d2 pool of [`POOL_SIZE`] PostgreSQL
//! connections on a blocking thread (as the service does), reads one row of a one-row table by primary key,
//! and answers it as JSON. No authentication, no middleware, no logging. Actix runs its default number of
//! workers (one per core), as the service does.
//!
//! ```text
//! YARDSTICK_DATABASE_URL=postgres://…/fresh_db [YARDSTICK_PORT=0] yardstick
//! ```
//!
//! It creates its table in that database (meant to be a fresh one) and prints `yardstick listening on
//! 127.0.0.1:PORT` once it serves.

use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use serde::Serialize;
use tiktok_bench::POOL_SIZE;

mod schema {
    diesel::table! {
        yardstick_items (id) {
            id -> BigInt,
            name -> Text,
            follower_count -> BigInt,
        }
    }
}
use schema::yardstick_items;

type PgPool = Pool<ConnectionManager<PgConnection>>;

#[derive(Queryable, Serialize)]
struct Item {
    id: i64,
    name: String,
    follower_count: i64,
}

async fn item(pool: web::Data<PgPool>, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    let pool = pool.into_inner();
    let found = web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        yardstick_items::table
            .find(id)
            .first::<Item>(&mut conn)
            .optional()
            .map_err(|e| e.to_string())
    })
    .await;
    match found {
        Ok(Ok(Some(item))) => HttpResponse::Ok().json(item),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        Ok(Err(_)) | Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

fn setup(url: &str) -> Result<PgPool, String> {
    let pool = Pool::builder()
        .max_size(POOL_SIZE)
        .connection_timeout(Duration::from_millis(500))
        .build(ConnectionManager::<PgConnection>::new(url))
        .map_err(|e| format!("cannot connect to YARDSTICK_DATABASE_URL: {e}"))?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS yardstick_items (
             id BIGINT PRIMARY KEY,
             name TEXT NOT NULL,
             follower_count BIGINT NOT NULL
         );
         INSERT INTO yardstick_items (id, name, follower_count)
             VALUES (1, 'sandbox_creator', 2665) ON CONFLICT (id) DO NOTHING;",
    )
    .map_err(|e| format!("cannot create the yardstick's table: {e}"))?;
    Ok(pool)
}

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let Ok(url) = std::env::var("YARDSTICK_DATABASE_URL") else {
        eprintln!("yardstick: set YARDSTICK_DATABASE_URL to a fresh PostgreSQL database");
        return std::process::ExitCode::from(2);
    };
    let port: u16 = match std::env::var("YARDSTICK_PORT").map(|p| p.parse()) {
        Err(_) => 0,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => {
            eprintln!("yardstick: YARDSTICK_PORT is not a port");
            return std::process::ExitCode::from(2);
        }
    };
    let pool = match setup(&url) {
        Ok(pool) => web::Data::new(pool),
        Err(message) => {
            eprintln!("yardstick: {message}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let server = match HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .route("/items/{id}", web::get().to(item))
    })
    .bind(("127.0.0.1", port))
    {
        Ok(server) => server,
        Err(error) => {
            eprintln!("yardstick: cannot listen on 127.0.0.1:{port}: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    for address in server.addrs() {
        println!("yardstick listening on {address}");
    }
    match server.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("yardstick: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
