//! Real LDK nodes driven through async-payment scenarios.
//!
//! [`dispatch::run_scenario`] runs a scenario ([`asyncpay_adapter::scenario`])
//! with LDK in the role under test and the other real nodes playing the
//! other roles. Each role has its own mapping of scenario events to network
//! steps and of observations back to actions:
//!
//! | `role_under_test` | mapping | driver capabilities |
//! |---|---|---|
//! | `payer_lsp` | module `lsp` | the network itself (`net`) |
//! | `payer` | module `payer` | `net/payer_io.rs`: the payer's final payload decoded, invoices to the payer captured and delivered one by one, release paths added to the LSP's `revoke_and_ack` (or kept in flight), the recipient's release over a given reply path, a static invoice of a given age served in place of the real one |
//! | `recipient` | module `recipient` | `net/recipient_io.rs`: crafted payments (final payload as the scenario says) and crafted `held_htlc_available` into the recipient |
//! | `invoice_server` | module `server` | `net/server_io.rs`: an `invoice_request` sent to the server as the payer, and every onion message the server sends in answer |
//!
//! [`run_network`] builds a fresh in-process network of four real LDK 0.2.7
//! `ChannelManager`s (with their `OnionMessenger`s) using
//! `lightning::ln::functional_test_utils` (crate feature `_test_utils`):
//!
//! ```text
//!  payer ──(unannounced)── payer's LSP ──(announced)── invoice server ──(unannounced)── recipient
//!   (hold_outbound_htlcs_at_next_hop)  (enable_htlc_hold)  (static invoice server)   (often offline)
//! ```
//!
//! As in LDK's own tests, every pair of online nodes is connected as peers
//! (LDK sends onion messages over direct connections); a node that is
//! *offline* is disconnected from everyone. Once the channels are open, the
//! recipient registers with the invoice server and the server persists the
//! recipient's static invoice (LDK's `offer_paths_request` / `offer_paths` /
//! `serve_static_invoice` / `static_invoice_persisted` messages, served from
//! an in-memory store here).
//!
//! A scenario then drives the network through [`AsyncNet`]'s semantic
//! events ([`AsyncNet::pay_static_invoice`], [`AsyncNet::set_online`],
//! [`AsyncNet::deliver_held_htlc_available_to_recipient`],
//! [`AsyncNet::deliver_release`], [`AsyncNet::mine_blocks`],
//! [`AsyncNet::advance_time`], …). After every event the network is
//! *settled*: every pending channel message, onion message and event is
//! delivered or handled until nothing moves (a tiny in-process peer
//! manager). Everything that crosses a wire or surfaces as an event is
//! recorded in [`Observations`], chronologically; [`Summary`] answers the
//! usual questions (how often did the LSP forward, with what code was the
//! HTLC failed, how many `held_htlc_available` did the payer send, …).
//!
//! Two messages are *captured* instead of delivered (unless switched off in
//! [`NetConfig`]), so the scenario decides when they arrive:
//! `held_htlc_available` on its last hop into the recipient, and the
//! recipient's `release_held_htlc` on its first hop out.
//!
//! Time and blocks are simulated: blocks carry the heights and timestamps
//! the driver chooses ([`AsyncNet::mine_blocks`], [`AsyncNet::advance_time`]
//! which mines one block with a later timestamp and fires every timer tick).
//! LDK built with `std` (as here) reads the wall clock for some decisions,
//! which simulated time cannot move: notably the payer's 7-day expiry of a
//! pending async payment (`timer_tick_occurred` compares with
//! `SystemTime::now()`; LDK's own test of it is ignored under `std`). A
//! static invoice's age at the payer is reproduced instead in its
//! `created_at` ([`AsyncNet::serve_aged_static_invoice`]).
//! Block-height rules (the LSP's fail-back of a held HTLC) are fully
//! simulated.
//!
//! Nothing escapes: LDK's test logger output is captured (module `quiet`:
//! fds 1 and 2 go to temporary files while a network runs), events left over at the end are drained so the
//! test nodes do not panic on drop, and any panic inside LDK or the driver
//! becomes a [`DriverError::Panicked`].

pub mod dispatch;
mod error;
mod lsp;
mod net;
mod payer;
mod quiet;
mod recipient;
mod server;
#[cfg(all(test, not(ldk_0_3)))]
mod tests;

pub use net::tamper::{RebuiltRelease, Reseal};
pub use net::{
    role_configs, AsyncNet, Forgery, HeldHtlcCapture, NetConfig, NodeRole, Observations, OmKind,
    ReleaseCapture, Summary, TraceEntry, WireMessage,
};

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Why a scenario run did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DriverError {
    /// A panic in LDK or in the driver, with its message and the tail of the
    /// captured LDK log.
    Panicked {
        /// The panic message.
        message: String,
        /// The last lines LDK logged before the panic.
        log_tail: String,
    },
    /// A driver step could not be performed (e.g. no such captured message).
    Step(String),
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriverError::Panicked { message, log_tail } => {
                write!(f, "panic: {message}")?;
                if !log_tail.is_empty() {
                    write!(f, "\n--- last LDK log lines ---\n{log_tail}")?;
                }
                Ok(())
            }
            DriverError::Step(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for DriverError {}

/// A step error.
pub(crate) fn step_err<T>(msg: impl Into<String>) -> Result<T, DriverError> {
    Err(DriverError::Step(msg.into()))
}

/// The network's observations as wire-log lines for a scenario trace
/// ([`asyncpay_adapter::scenario::TraceView::wire`]), bounded.
pub(crate) fn wire_log(net: &AsyncNet<'_, '_>) -> Vec<String> {
    net.observations()
        .trace
        .iter()
        .take(asyncpay_adapter::scenario::MAX_WIRE_LINES + 1)
        .map(|e| format!("{e:?}"))
        .collect()
}

/// The channel messages of one async payment on a fresh network, as they
/// went over the wire: the payer pays the offline recipient's static
/// invoice with `hold_htlc`, the LSP holds the HTLC and answers with a
/// release path in its `revoke_and_ack`, the recipient comes online and
/// releases it, and the payment is forwarded and claimed. For reading one
/// release's messages with another's readers.
pub fn held_payment_wire(amount_msat: u64) -> Result<Vec<WireMessage>, DriverError> {
    run_network(&NetConfig::default(), |net| {
        net.record_wire();
        for role in [
            NodeRole::Payer,
            NodeRole::PayerLsp,
            NodeRole::InvoiceServer,
            NodeRole::Recipient,
        ] {
            let secret = lightning::bitcoin::secp256k1::SecretKey::from_slice(&node_secret(role))
                .map_err(|e| DriverError::Step(format!("node secret: {e}")))?;
            let id = lightning::bitcoin::secp256k1::PublicKey::from_secret_key(
                &lightning::bitcoin::secp256k1::Secp256k1::signing_only(),
                &secret,
            );
            if net.node_id(role) != id {
                return step_err(format!("{role:?}'s node secret is not its seed's"));
            }
        }
        net.recipient_offline()?;
        net.pay_static_invoice(amount_msat)?;
        net.recipient_online()?;
        if net.held_htlc_available_captured() == 0 {
            return step_err("no held_htlc_available reached the recipient");
        }
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        Ok(net.recorded_wire().to_vec())
    })
}

/// The node secret of `role` on every network [`run_network`] builds:
/// lightning's test nodes are seeded with 32 bytes of their index
/// (`create_chanmon_cfgs`, ln/functional_test_utils.rs), and a
/// `KeysManager`'s node secret depends on the seed alone.
pub fn node_secret(role: NodeRole) -> [u8; 32] {
    let seed = [role as u8; 32];
    lightning::sign::KeysManager::new(&seed, 0, 0, true)
        .get_node_secret_key()
        .secret_bytes()
}

/// The key with which `role` authenticates its own blinded paths
/// (`NodeSigner::get_receive_auth_key`), on every network
/// [`run_network`] builds: it too depends on the seed alone.
pub fn node_receive_auth_key(role: NodeRole) -> [u8; 32] {
    use lightning::sign::NodeSigner;
    let seed = [role as u8; 32];
    lightning::sign::KeysManager::new(&seed, 0, 0, true)
        .get_receive_auth_key()
        .0
}

/// Builds a fresh four-node network for `cfg`, runs `scenario` on it and
/// tears it down.
///
/// The run is serialised with every other run in the process (LDK's logger
/// output is captured at the file-descriptor level while it lasts). A panic
/// anywhere inside becomes [`DriverError::Panicked`]; it never reaches the
/// caller.
pub fn run_network<R>(
    cfg: &NetConfig,
    scenario: impl FnOnce(&mut AsyncNet<'_, '_>) -> Result<R, DriverError>,
) -> Result<R, DriverError> {
    let mut quiet = quiet::Quiet::start(cfg.quiet);
    let (res, location) = quiet::catching_panics(|| {
        catch_unwind(AssertUnwindSafe(|| net::build_and_run(cfg, scenario)))
    });
    match res {
        Ok(r) => r,
        Err(payload) => {
            let mut message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "non-string panic payload".to_string()
            };
            if let Some(loc) = location {
                message = format!("{message} (at {loc})");
            }
            Err(DriverError::Panicked {
                message,
                log_tail: quiet.tail(),
            })
        }
    }
}
