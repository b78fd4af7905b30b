//! The experimental designs' part of the holding LSP ([`super::lsp`]): the
//! payer's hold requests of design 001 and the trampoline's attempts of
//! design 000 (see `vectors/designs.md`).

use crate::rules::{knocked_out, Rule};

/// Onward attempts a trampoline makes for one triggered payment, the first
/// included (the design says the LSP "begins trying"; the number is the
/// suite's choice). A one-shot payment makes one.
pub const TRAMPOLINE_ATTEMPTS: u32 = 3;

/// A `hold_htlc_request` the payer sent (design 001).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldRequest {
    /// The secret payment id, hex.
    pub payment_id: String,
    /// The payment hashes whose HTLCs it holds, hex.
    pub payment_hashes: Vec<String>,
    /// A `payment_unblock` with its id has arrived.
    pub unblocked: bool,
}

/// Record a request (a repeated id adds its hashes to the first).
pub fn request(requests: &mut Vec<HoldRequest>, payment_id: &str, hashes: &[String]) {
    if let Some(r) = requests
        .iter_mut()
        .find(|r| r.payment_id.eq_ignore_ascii_case(payment_id))
    {
        r.payment_hashes.extend(hashes.iter().cloned());
        return;
    }
    requests.push(HoldRequest {
        payment_id: payment_id.to_string(),
        payment_hashes: hashes.to_vec(),
        unblocked: false,
    });
}

fn lists(r: &HoldRequest, hash: &str) -> bool {
    r.payment_hashes
        .iter()
        .any(|h| h.eq_ignore_ascii_case(hash))
}

/// Whether an HTLC of `hash`, committed and not released, waits: some
/// request lists its hash and none of those has been unblocked (a part
/// arriving after the unblock goes on at once).
pub fn waits_by_hash(requests: &[HoldRequest], hash: &str) -> bool {
    let listing: Vec<&HoldRequest> = requests.iter().filter(|r| lists(r, hash)).collect();
    if listing.is_empty() {
        return false;
    }
    if listing.iter().any(|r| r.unblocked) {
        return knocked_out(Rule::LspUnblockStands);
    }
    !knocked_out(Rule::LspUnblockHoldByHash)
}

/// An unblock with `payment_id`: mark its requests unblocked and answer the
/// payment hashes to release.
pub fn unblock(requests: &mut [HoldRequest], payment_id: &str) -> Vec<String> {
    let any = knocked_out(Rule::LspUnblockIdMatch);
    let mut hashes = Vec::new();
    for r in requests.iter_mut() {
        if any || r.payment_id.eq_ignore_ascii_case(payment_id) {
            r.unblocked = true;
            hashes.extend(r.payment_hashes.iter().cloned());
        }
    }
    if !hashes.is_empty() && knocked_out(Rule::LspUnblockOwnHashesOnly) {
        hashes = requests
            .iter()
            .flat_map(|r| r.payment_hashes.iter().cloned())
            .collect();
    }
    hashes
}
