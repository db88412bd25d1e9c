//! Where the console is: the address's fragment (`#/queue`, `#/filing/<no>`, …). A fragment needs no
//! server route beyond `/console/` and survives a reload; Back and Forward move between screens.

/// A screen of the console.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Route {
    /// What awaits this account's decision (the start screen).
    #[default]
    Queue,
    /// One filing by its number.
    Filing(String),
    Ledger,
    /// Admins only.
    Accounts,
    /// Admins only.
    Audit,
    /// Inspections due, overdue and done in the account's scope (rules.md §9.1).
    Inspections,
    /// Recording an inspection of this kind (`INSPECTION_*`) of a registration.
    Record(String, String),
    /// Statistics (`ui/stats.rs`); not for patrols.
    Statistics,
    /// Work found without registration, recorded against its address (`INSPECTION_UNREGISTERED`,
    /// rules.md §9.1, 第三十条第（三）项), with its findings and referrals (`ui/unregistered.rs`).
    Unregistered,
}

/// The ground of the revocation a link opens pre-filled (`#/filing/<no>?act=revoke&ground=<g>`,
/// from a finding that is a ground to revoke, 第二十五条), when it is one of `grounds`.
pub fn revoke_prefill(hash: &str, grounds: &[&str]) -> Option<String> {
    let query = hash.split_once('?')?.1;
    let mut act = false;
    let mut ground = None;
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        match k {
            "act" => act = v == "revoke",
            "ground" => ground = grounds.iter().find(|g| **g == v).map(|g| g.to_string()),
            _ => {}
        }
    }
    ground.filter(|_| act)
}

/// The link to a registration's revocation, its ground chosen.
pub fn revoke_link(no: &str, ground: &str) -> String {
    format!(
        "{}?act=revoke&ground={ground}",
        Route::Filing(no.to_string()).hash()
    )
}

/// A filing number as it may appear in a path: letters, digits and `-` (the API's numbers are
/// `2026-BT-0001`-like), so nothing from the address bar reaches a request path unchecked.
pub fn is_filing_no(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Route {
    /// The route of a fragment (`#/filing/2026-BT-0001`); anything unknown is the queue.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or("");
        let mut parts = path.split('/');
        let all = (parts.next(), parts.next(), parts.next());
        if parts.next().is_some() {
            return Route::Queue;
        }
        match all {
            (Some("filing"), Some(no), None) if is_filing_no(no) => Route::Filing(no.to_string()),
            (Some("ledger"), None, None) => Route::Ledger,
            (Some("accounts"), None, None) => Route::Accounts,
            (Some("audit"), None, None) => Route::Audit,
            (Some("inspections"), None, None) => Route::Inspections,
            (Some("inspect"), Some(no), Some(kind))
                if is_filing_no(no) && crate::inspect::is_recordable(kind) =>
            {
                Route::Record(no.to_string(), kind.to_string())
            }
            (Some("statistics"), None, None) => Route::Statistics,
            (Some("unregistered"), None, None) => Route::Unregistered,
            _ => Route::Queue,
        }
    }

    /// The fragment that leads here.
    pub fn hash(&self) -> String {
        match self {
            Route::Queue => "#/queue".to_string(),
            Route::Filing(no) => format!("#/filing/{no}"),
            Route::Ledger => "#/ledger".to_string(),
            Route::Accounts => "#/accounts".to_string(),
            Route::Audit => "#/audit".to_string(),
            Route::Inspections => "#/inspections".to_string(),
            Route::Record(no, kind) => format!("#/inspect/{no}/{kind}"),
            Route::Statistics => "#/statistics".to_string(),
            Route::Unregistered => "#/unregistered".to_string(),
        }
    }

    /// Screens only an admin may open.
    pub fn admin_only(&self) -> bool {
        matches!(self, Route::Accounts | Route::Audit)
    }

    /// The navigation entry this screen belongs to (a filing belongs to the queue).
    pub fn section(&self) -> Route {
        match self {
            Route::Filing(_) => Route::Queue,
            Route::Record(..) | Route::Unregistered => Route::Inspections,
            r => r.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_round_trip() {
        for r in [
            Route::Queue,
            Route::Filing("2026-BT-0001".into()),
            Route::Ledger,
            Route::Accounts,
            Route::Audit,
            Route::Inspections,
            Route::Record("2026-BT-0001".into(), "INSPECTION_PATROL".into()),
            Route::Statistics,
            Route::Unregistered,
        ] {
            assert_eq!(Route::parse(&r.hash()), r, "{}", r.hash());
        }
    }

    #[test]
    fn a_revocation_link_opens_with_its_ground_and_nothing_else_does() {
        let g = ["false_filing", "beyond_scope"];
        let link = revoke_link("2026-BT-0001", "beyond_scope");
        assert_eq!(link, "#/filing/2026-BT-0001?act=revoke&ground=beyond_scope");
        assert_eq!(Route::parse(&link), Route::Filing("2026-BT-0001".into()));
        assert_eq!(revoke_prefill(&link, &g).as_deref(), Some("beyond_scope"));
        for h in [
            "#/filing/A",
            "#/filing/A?act=return&ground=beyond_scope",
            "#/filing/A?act=revoke&ground=<script>",
            "#/filing/A?act=revoke",
            "#/filing/A?ground=false_filing",
        ] {
            assert_eq!(revoke_prefill(h, &g), None, "{h}");
        }
        assert_eq!(
            revoke_prefill("#/filing/A?ground=false_filing&act=revoke", &g).as_deref(),
            Some("false_filing")
        );
    }

    #[test]
    fn unknown_or_unsafe_fragments_are_the_queue() {
        for h in [
            "",
            "#",
            "#/",
            "#/nowhere",
            "#/filing/",
            "#/filing/../../api/v1/accounts",
            "#/filing/a b",
            "#/filing/x/y",
            "#/ledger/extra",
            "#/inspect/2026-BT-0001",
            "#/inspect/2026-BT-0001/INSPECTION_UNREGISTERED",
            "#/inspect/2026-BT-0001/nonsense",
            "#/inspect/../x/INSPECTION_PATROL",
            "#/inspect/A/INSPECTION_PATROL/x",
        ] {
            assert_eq!(Route::parse(h), Route::Queue, "{h}");
        }
        assert_eq!(Route::parse("#/ledger?x=1"), Route::Ledger);
        assert_eq!(Route::parse("filing/N-1"), Route::Filing("N-1".into()));
    }

    #[test]
    fn sections_and_admin_screens() {
        assert_eq!(Route::Filing("A".into()).section(), Route::Queue);
        assert_eq!(
            Route::Record("A".into(), "INSPECTION_PATROL".into()).section(),
            Route::Inspections
        );
        assert_eq!(Route::Unregistered.section(), Route::Inspections);
        assert!(Route::Accounts.admin_only() && Route::Audit.admin_only());
        assert!(!Route::Ledger.admin_only() && !Route::Filing("A".into()).admin_only());
    }
}
