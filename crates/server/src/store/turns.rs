//! The turns writers take on Postgres, as advisory locks held until their
//! transaction ends: the database-wide write turn (a writer alone, or
//! batches of webhook deliveries together), the customers such a batch
//! writes to, and the numbering of its events.

use handover_core::WaId;
use sqlx::AnyConnection;

use super::statement::Statement;

/// Takes the turn `key` alone: every other transaction asking for it,
/// alone or shared, waits until this one ends.
pub async fn take(conn: &mut AnyConnection, key: i64) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(conn)
        .await
        .map(drop)
}

/// Takes the turn `key` together with others that share it; a transaction
/// taking it alone waits for all of them, and they for it.
pub async fn share(conn: &mut AnyConnection, key: i64) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock_shared($1)")
        .bind(key)
        .execute(conn)
        .await
        .map(drop)
}

/// The lock space of customers (the first of the two keys of their locks):
/// the ASCII of "CUST".
const CUSTOMERS: i32 = 0x4355_5354;
/// Customers locked by one statement at most.
const LOCKED_AT_ONCE: usize = 1_000;

/// Locks `customers` for the rest of the transaction, in one order
/// (that of their keys), so that two transactions locking some of the
/// same customers never wait for each other in a circle. Two numbers may
/// share a key: they then wait for each other, which is only slower.
pub async fn lock_customers<'a>(
    conn: &mut AnyConnection,
    customers: impl IntoIterator<Item = &'a WaId>,
) -> Result<(), sqlx::Error> {
    let mut keys: Vec<i32> = customers.into_iter().map(customer_key).collect();
    keys.sort_unstable();
    keys.dedup();
    for chunk in keys.chunks(LOCKED_AT_ONCE) {
        let mut lock = Statement::new("SELECT pg_advisory_xact_lock(");
        lock.bind(CUSTOMERS).push(", v.column1) FROM (");
        lock.values(chunk, |row, key| {
            row.bind(*key);
        });
        // Evaluated after the sort: the locks are taken in this order.
        lock.push(") AS v ORDER BY v.column1");
        lock.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A customer's lock key: FNV-1a of their number, the same on every server.
fn customer_key(wa_id: &WaId) -> i32 {
    let hash = wa_id.as_str().bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    i32::from_ne_bytes(hash.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_has_one_key_and_customers_spread_over_keys() {
        let one = WaId::parse("919876543210").unwrap();
        let other = WaId::parse("919876543211").unwrap();
        assert_eq!(customer_key(&one), customer_key(&one.clone()));
        assert_ne!(customer_key(&one), customer_key(&other));
        let keys: std::collections::BTreeSet<i32> = (0..10_000)
            .map(|n| customer_key(&WaId::parse(&format!("91980000{n:04}")).unwrap()))
            .collect();
        assert_eq!(keys.len(), 10_000);
    }
}
