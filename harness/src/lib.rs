//! asyncpay harness.
