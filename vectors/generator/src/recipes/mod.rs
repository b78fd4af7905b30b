//! Recipes: the code that generates every vector file from fixed keys and
//! seeds. `asyncpay vectors generate` writes their output; `asyncpay vectors
//! check` regenerates and compares byte for byte.

pub mod experimental_counterparty;
pub mod experimental_invoice_server;
pub mod experimental_release_secret;
pub mod experimental_trampoline;
pub mod experimental_unblock;
pub mod fuzz_findings;
pub mod hold_htlc;
pub mod invoice_request;
pub mod invoice_writer;
pub mod offers;
pub mod onion_messages;
#[cfg(any(feature = "ldk", feature = "ldk-0.3"))]
pub mod produced_by_ldk;
pub mod reply_paths;
pub mod scenarios;
pub mod static_invoice;

use asyncpay_adapter::Profile;
use asyncpay_harness::vectors::VectorFile;

/// One area's recipe.
pub struct Area {
    /// The area name, also the file name (`vectors/<profile>/<name>.json`).
    pub name: &'static str,
    /// Generate the area's file for a profile; `None` when the area does
    /// not apply to that profile.
    pub generate: fn(&Profile) -> Option<VectorFile>,
}

/// Every area, in the order files are generated.
pub const AREAS: &[Area] = &[
    Area {
        name: offers::AREA,
        generate: offers::generate,
    },
    Area {
        name: "static_invoice",
        generate: static_invoice::generate,
    },
    Area {
        name: invoice_request::AREA,
        generate: invoice_request::generate,
    },
    Area {
        name: hold_htlc::AREA,
        generate: hold_htlc::generate,
    },
    Area {
        name: "reply_paths",
        generate: reply_paths::generate,
    },
    Area {
        name: "onion_messages",
        generate: onion_messages::generate,
    },
    Area {
        name: "experimental_counterparty_invoice",
        generate: experimental_counterparty::generate,
    },
    Area {
        name: "experimental_release_secret",
        generate: experimental_release_secret::generate,
    },
    Area {
        name: "experimental_trampoline_hold",
        generate: experimental_trampoline::generate,
    },
    Area {
        name: "experimental_payment_unblock",
        generate: experimental_unblock::generate,
    },
    Area {
        name: "experimental_ldk_invoice_server",
        generate: experimental_invoice_server::generate,
    },
    Area {
        name: "scenarios",
        generate: scenarios::generate,
    },
    Area {
        name: fuzz_findings::AREA,
        generate: fuzz_findings::generate,
    },
    #[cfg(feature = "ldk")]
    Area {
        name: produced_by_ldk::LDK_0_2.area,
        generate: produced_by_ldk::generate_0_2,
    },
    #[cfg(feature = "ldk-0.3")]
    Area {
        name: produced_by_ldk::LDK_0_3.area,
        generate: produced_by_ldk::generate_0_3,
    },
];

/// Areas whose recipe is not in this build, with the feature that brings it:
/// their committed files are left unchecked (and said so), not reported as
/// files no recipe makes.
pub const NOT_BUILT: &[(&str, &str)] = &[
    #[cfg(not(feature = "ldk"))]
    ("produced_by_ldk", "ldk"),
    #[cfg(not(feature = "ldk-0.3"))]
    ("produced_by_ldk_0_3", "ldk-0.3"),
];

/// Generate every area's file for every profile.
pub fn generate_all(profiles: &[Profile]) -> Vec<VectorFile> {
    profiles
        .iter()
        .flat_map(|p| AREAS.iter().filter_map(move |a| (a.generate)(p)))
        .collect()
}
