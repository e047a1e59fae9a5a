//! The turns writers take on Postgres, as advisory locks held until their
//! transaction ends: the database-wide write turn (a writer alone, or
//! batches of webhook deliveries and the sender's rounds together), what
//! such a transaction writes to (customers, then our sent messages by their
//! wamid), and the numbering of its events.

use handover_core::WaId;
use sqlx::AnyConnection;

/// The statement that begins a transaction holding the turn `key` alone
/// (one round trip for both).
pub fn begin_taking(key: i64) -> String {
    format!("BEGIN; {}", taking(key))
}

/// The statement that takes the turn `key` alone, in a script: every other
/// transaction asking for it, alone or shared, waits until this one ends.
pub fn taking(key: i64) -> String {
    format!("SELECT pg_advisory_xact_lock({key})")
}

/// The lock space of customers (the first of the two keys of their locks):
/// the ASCII of "CUST".
const CUSTOMERS: i32 = 0x4355_5354;
/// The lock space of our sent messages, by the wamid WhatsApp gave them:
/// the ASCII of "SENT". The sender recording a send and a status callback
/// naming it take the same lock, so the callback either finds the message
/// or is kept for it, never neither.
const SENT: i32 = 0x5345_4E54;

/// The statement that begins a transaction sharing the turn `key` and
/// locks `customers` and our sent messages named by `wamids` for the rest
/// of it ([`lock`]), in one round trip.
pub fn begin_sharing<'a>(
    key: i64,
    customers: impl IntoIterator<Item = &'a WaId>,
    wamids: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut begin = format!("BEGIN; SELECT pg_advisory_xact_lock_shared({key})");
    if let Some(lock) = locking(customers, wamids) {
        begin.push_str("; ");
        begin.push_str(&lock);
    }
    begin
}

/// Locks `customers` and our sent messages named by `wamids` for the rest
/// of the transaction, in one order (that of their keys, customers first),
/// so that two transactions locking some of the same never wait for each
/// other in a circle. Two numbers (or wamids) may share a key: they then
/// wait for each other, which is only slower.
pub async fn lock<'a>(
    conn: &mut AnyConnection,
    customers: impl IntoIterator<Item = &'a WaId>,
    wamids: impl IntoIterator<Item = &'a str>,
) -> Result<(), sqlx::Error> {
    let Some(lock) = locking(customers, wamids) else {
        return Ok(());
    };
    sqlx::query(&lock)
        .persistent(false)
        .execute(conn)
        .await
        .map(drop)
}

/// The statement that takes the locks of [`lock`] (none: nothing to lock).
fn locking<'a>(
    customers: impl IntoIterator<Item = &'a WaId>,
    wamids: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let customers = customers
        .into_iter()
        .map(|wa_id| (CUSTOMERS, lock_key(wa_id.as_str())));
    let sent = wamids.into_iter().map(|wamid| (SENT, lock_key(wamid)));
    let mut keys: Vec<(i32, i32)> = customers.chain(sent).collect();
    if keys.is_empty() {
        return None;
    }
    keys.sort_unstable();
    keys.dedup();
    // Numbers only: nothing a client sent is written into the text.
    let values: Vec<String> = keys
        .iter()
        .map(|(space, key)| format!("({space}, {key})"))
        .collect();
    // Evaluated after the sort: the locks are taken in this order.
    Some(format!(
        "SELECT pg_advisory_xact_lock(v.column1, v.column2) FROM (VALUES {}) AS v ORDER BY v.column1, v.column2",
        values.join(", ")
    ))
}

/// A lock key: FNV-1a of a customer's number or a wamid, the same on
/// every server.
fn lock_key(text: &str) -> i32 {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
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
        assert_eq!(lock_key(one.as_str()), lock_key(one.clone().as_str()));
        assert_ne!(lock_key(one.as_str()), lock_key(other.as_str()));
        let keys: std::collections::BTreeSet<i32> = (0..10_000)
            .map(|n| lock_key(WaId::parse(&format!("91980000{n:04}")).unwrap().as_str()))
            .collect();
        assert_eq!(keys.len(), 10_000);
    }
}
