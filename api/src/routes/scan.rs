//! The inspector's scan (issue 15): `GET /v/{receipt_no}`, the page a receipt's QR code opens on a
//! phone — and what `GET /api/v1/receipts/{receipt_no}/verify` answers a browser (`Accept: text/html`),
//! so that QR codes printed before this page existed open it too.
//!
//! One glance, 360 px first, zh-CN with English beneath: a large banner (有效 / 已过期 / 已撤销 / 已注销 …,
//! colour, icon and words), street, scope, high risk, valid until (in words), masked names, the numbers,
//! when it was checked (server time), and whether the signature checks — checked in the page itself
//! with WebCrypto Ed25519 against the published keys inlined into it: the QR fragment's signed payload
//! when there is one (what is printed), else the server's receipt. One small self-contained response:
//! inline CSS and script allowed by their hashes in its own CSP, no other request, `no-store`.
//!
//! The site and the names only with the receipt's verification code (`?c=`, in the QR code; typed
//! into the page's form by someone who has the printed receipt): without it the page says whether the
//! receipt exists, its state and until when (issue 16, item 2). A version 2 signature covers the filing
//! number and the site (item 3): the script checks that the signed site hash is that of the address the
//! page shows, and the inspector can type the address printed on the notice to check it against the
//! signature — a genuine QR code pasted onto another site's notice fails there.

use crate::app::AppState;
use crate::error::{ApiError, ApiPath};
use crate::filing::Filing;
use crate::lifecycle::State;
use crate::messages::{Key, Lang};
use crate::routes::Routes;
use crate::routes::pages::esc;
use crate::routes::receipts::{Access, Verification, access, verification};
use crate::store::FilingRecord;
use anbei_core::Code;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::LazyLock;

pub fn routes(r: Routes) -> Routes {
    r.get("/v/{receipt_no}", scan_page)
}

/// The scan page of a receipt (HTML; 404 is an HTML page too).
#[utoipa::path(get, path = "/v/{receipt_no}", tag = "receipts", params(("receipt_no" = String, Path)),
    responses((status = 200, description = "the scan page (HTML): state, what the receipt covers, names masked, signature checked in the page", content_type = "text/html"),
              (status = 404, description = "the scan page saying there is no such receipt (HTML)", content_type = "text/html")))]
pub async fn scan_page(
    axum::extract::State(s): axum::extract::State<AppState>,
    ApiPath(no): ApiPath<String>,
    crate::error::ApiQuery(q): crate::error::ApiQuery<crate::routes::receipts::CodeQuery>,
    headers: HeaderMap,
    ext: Extensions,
) -> Result<Response, ApiError> {
    page(&s, &no, q.given(), &headers, &ext).await
}

/// The scan page of receipt `no`: 200 (all of it with the right code `given`, else the limited page
/// with the form for the code), 403 (the limited page saying the code is wrong), or 404 saying there
/// is no such receipt.
pub async fn page(
    s: &AppState,
    no: &str,
    given: Option<&str>,
    headers: &HeaderMap,
    ext: &Extensions,
) -> Result<Response, ApiError> {
    let found = match s.store.get_by_receipt(no).await? {
        Some(rec) if rec.receipt.is_some() => Some(rec),
        _ => None,
    };
    let (status, html) = match found {
        Some(rec) => match access(s, &rec, given, headers, ext)? {
            Access::Full => {
                // under rectification / referred (issue 14), as the JSON verify says it: no finding's text
                let management =
                    crate::inspections::management(&s.store.manage_of(&rec.filing_no).await?);
                (StatusCode::OK, render(s, &rec, management)?)
            }
            Access::Limited => (StatusCode::OK, render_limited(s, &rec, false)?),
            Access::Wrong => (StatusCode::FORBIDDEN, render_limited(s, &rec, true)?),
        },
        None => (StatusCode::NOT_FOUND, render_not_found(s, no)),
    };
    Ok(html_response(s, status, html))
}

/// Whether a request's `Accept` prefers HTML to JSON (a browser opening a printed QR code):
/// `text/html` (or XHTML) weighted above `application/json`; `*/*` alone is JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (mut html, mut json) = (0u16, 0u16);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let ty = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .next()
            .map_or(1000, |q| {
                q.trim()
                    .parse::<f32>()
                    .map_or(0, |f| (f.clamp(0.0, 1.0) * 1000.0) as u16)
            });
        match ty.as_str() {
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "application/json" | "application/problem+json" => json = json.max(q),
            _ => {}
        }
    }
    html > 0 && html > json
}

/// How a registration's state is shown: banner class, icon, words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Valid,
    Expired,
    Revoked,
    /// Completion declared, awaiting the street's check (rules.md §7 v3): the receipt no longer admits
    /// new work on the site (see `State::in_force`).
    Declared,
    Cancelled,
    Refused,
    Pending,
    BadSignature,
    NotFound,
}

impl Look {
    pub fn of(v: &Verification) -> Look {
        match v.status {
            State::Registered | State::Extended if v.signature_valid => Look::Valid,
            State::Registered | State::Extended => Look::BadSignature,
            State::Expired => Look::Expired,
            State::Revoked => Look::Revoked,
            State::CompletionDeclared => Look::Declared,
            State::Cancelled => Look::Cancelled,
            State::Refused => Look::Refused,
            State::Filed | State::Returned => Look::Pending,
        }
    }
    fn class(self) -> &'static str {
        match self {
            Look::Valid => "ok",
            Look::Expired => "exp",
            Look::Revoked => "rev",
            Look::Declared => "dec",
            Look::Cancelled => "can",
            Look::Refused | Look::Pending | Look::BadSignature | Look::NotFound => "bad",
        }
    }
    fn key(self) -> Key {
        match self {
            Look::Valid => Key::ScanValid,
            Look::Expired => Key::ScanExpired,
            Look::Revoked => Key::ScanRevoked,
            Look::Declared => Key::ScanDeclared,
            Look::Cancelled => Key::ScanCancelled,
            Look::Refused => Key::ScanRefused,
            Look::Pending => Key::ScanPending,
            Look::BadSignature => Key::ScanBadSignature,
            Look::NotFound => Key::ScanNotFound,
        }
    }
    /// A 64 px icon (white on the banner): a tick, a clock, a cross, a barred circle, a warning sign.
    fn icon(self) -> &'static str {
        match self {
            Look::Valid => {
                "<svg viewBox=\"0 0 64 64\" aria-hidden=\"true\"><circle cx=\"32\" cy=\"32\" r=\"29\" fill=\"none\" stroke=\"#fff\" stroke-width=\"5\"/><path d=\"M18 33l10 10 19-21\" fill=\"none\" stroke=\"#fff\" stroke-width=\"7\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>"
            }
            Look::Expired | Look::Declared => {
                "<svg viewBox=\"0 0 64 64\" aria-hidden=\"true\"><circle cx=\"32\" cy=\"32\" r=\"29\" fill=\"none\" stroke=\"#fff\" stroke-width=\"5\"/><path d=\"M32 14v19l12 8\" fill=\"none\" stroke=\"#fff\" stroke-width=\"6\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>"
            }
            Look::Cancelled => {
                "<svg viewBox=\"0 0 64 64\" aria-hidden=\"true\"><circle cx=\"32\" cy=\"32\" r=\"29\" fill=\"none\" stroke=\"#fff\" stroke-width=\"5\"/><path d=\"M12 52L52 12\" stroke=\"#fff\" stroke-width=\"6\"/></svg>"
            }
            Look::Revoked | Look::Refused | Look::BadSignature | Look::NotFound => {
                "<svg viewBox=\"0 0 64 64\" aria-hidden=\"true\"><circle cx=\"32\" cy=\"32\" r=\"29\" fill=\"none\" stroke=\"#fff\" stroke-width=\"5\"/><path d=\"M20 20l24 24M44 20L20 44\" stroke=\"#fff\" stroke-width=\"7\" stroke-linecap=\"round\"/></svg>"
            }
            Look::Pending => {
                "<svg viewBox=\"0 0 64 64\" aria-hidden=\"true\"><circle cx=\"32\" cy=\"32\" r=\"29\" fill=\"none\" stroke=\"#fff\" stroke-width=\"5\"/><path d=\"M32 15v22\" stroke=\"#fff\" stroke-width=\"7\" stroke-linecap=\"round\"/><circle cx=\"32\" cy=\"47\" r=\"4.5\" fill=\"#fff\"/></svg>"
            }
        }
    }
}

/// The day a registration left force (revoked, cancelled: its last change), in words.
fn changed_on(lang: Lang, rec: &FilingRecord) -> String {
    lang.date_of(&rec.updated_at)
}

/// The sentence under the banner.
fn detail(lang: Lang, look: Look, v: &Verification, rec: &FilingRecord) -> String {
    let until = lang.date_of(&v.valid_until);
    match look {
        Look::Valid if v.status == State::Extended => {
            lang.fill(Key::ScanExtendedDetail, &[("until", &until)])
        }
        Look::Valid => lang.fill(Key::ScanValidDetail, &[("until", &until)]),
        Look::Expired => lang.fill(Key::ScanExpiredDetail, &[("until", &until)]),
        Look::Revoked => lang.fill(Key::ScanRevokedDetail, &[("date", &changed_on(lang, rec))]),
        Look::Declared => lang.fill(Key::ScanDeclaredDetail, &[("date", &changed_on(lang, rec))]),
        Look::Cancelled => lang.fill(
            Key::ScanCancelledDetail,
            &[("date", &changed_on(lang, rec))],
        ),
        Look::Refused => lang.text(Key::ScanRefusedDetail).to_owned(),
        Look::Pending => lang.text(Key::ScanPendingDetail).to_owned(),
        Look::BadSignature => lang.text(Key::ScanBadSignatureDetail).to_owned(),
        Look::NotFound => lang.fill(Key::ScanNotFoundDetail, &[("no", &v.receipt_no)]),
    }
}

/// What a void printed receipt says of its state and date (`已撤销 · 2026年12月2日`), or `None` when the
/// registration is in force.
pub fn void_line(lang: Lang, v: &Verification, rec: &FilingRecord) -> Option<String> {
    Some(match v.status {
        State::Registered | State::Extended => return None,
        State::Revoked => lang.fill(Key::VoidRevokedOn, &[("date", &changed_on(lang, rec))]),
        State::CompletionDeclared => {
            lang.fill(Key::VoidDeclaredOn, &[("date", &changed_on(lang, rec))])
        }
        State::Cancelled => lang.fill(Key::VoidCancelledOn, &[("date", &changed_on(lang, rec))]),
        State::Expired => lang.fill(
            Key::VoidExpiredAfter,
            &[("until", &lang.date_of(&v.valid_until))],
        ),
        State::Filed | State::Returned | State::Refused => {
            lang.text(Key::VoidNotInForce).to_owned()
        }
    })
}

/// Chinese, with the English beneath.
fn both(zh: &str, en: &str) -> String {
    format!(
        "{}<span class=\"en\" lang=\"en\">{}</span>",
        esc(zh),
        esc(en)
    )
}

fn text2(k: Key) -> String {
    both(Lang::ZhCn.text(k), Lang::En.text(k))
}

const STYLE: &str = "*{box-sizing:border-box}\
html{-webkit-text-size-adjust:100%}\
body{margin:0;font:16px/1.45 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#111;background:#eef0f2}\
.en{display:block;font-size:.8125rem;color:#4a4f55;font-weight:400;letter-spacing:0}\
.b{color:#fff;padding:16px 14px 14px}\
.b .in{max-width:40rem;margin:0 auto;display:flex;gap:14px;align-items:center}\
.b svg{width:64px;height:64px;flex:none}\
.b h1{margin:0;font-size:2.75rem;line-height:1.05;letter-spacing:.08em;font-weight:800}\
.b h1 .en{color:#fff;font-size:1.25rem;font-weight:700;letter-spacing:.02em;margin-top:2px}\
.b p{max-width:40rem;margin:10px auto 0;font-size:1rem;font-weight:600}\
.b p .en{color:#fff;opacity:.92;font-weight:400}\
.ok{background:#0b6b2e}\
.exp{background:#9c4300}\
.rev{background:repeating-linear-gradient(135deg,#b0001a 0 18px,#8c0014 18px 36px)}\
.can{background:#3c4550}\
.dec{background:#5a4a00}\
.bad{background:#b0001a}\
main{max-width:40rem;margin:0 auto;padding:12px}\
dl{margin:0;background:#fff;border:1px solid #d5d8dc;border-radius:8px}\
dl div{display:flex;flex-wrap:wrap;gap:0 10px;padding:8px 12px;border-top:1px solid #eceef0}\
dl div:first-child{border-top:0}\
dt{flex:0 0 5.4em;color:#33383d}\
dd{margin:0;flex:1 1 12em;font-weight:600;overflow-wrap:anywhere}\
.hr{color:#9c4300}.num{font-size:.9375rem;flex-basis:16em;white-space:nowrap;font-variant-numeric:tabular-nums}\
.sig{margin:12px 0;background:#fff;border:2px solid #8a9096;border-radius:8px;padding:8px 12px}\
.sig h2{margin:0 0 4px;font-size:1rem}\
.sig p{display:none;margin:0;font-weight:600}\
.sig[data-state=pending] .s-pending,.sig[data-state=ok] .s-ok,.sig[data-state=old] .s-old,.sig[data-state=bad] .s-bad,\
.sig[data-state=other] .s-other,.sig[data-state=na] .s-na{display:block}\
.sig[data-state=ok],.sig[data-state=old]{border-color:#0b6b2e}\
.sig[data-state=ok] p,.sig[data-state=old] p{color:#0b6b2e}\
.sig[data-state=bad],.sig[data-state=other]{border-color:#b0001a;background:#fff0f1}\
.sig[data-state=bad] p,.sig[data-state=other] p{color:#9a0017}\
.sig p .en{color:inherit}\
.sig[data-state=ok] .s-note,.sig[data-state=old] .s-note{display:block}\
.sig[data-live=\"0\"][data-state=ok],.sig[data-live=\"0\"][data-state=old]{border-color:#5b6168}\
.sig[data-live=\"0\"][data-state=ok] p,.sig[data-live=\"0\"][data-state=old] p{color:#262a2e}\
.alarm{display:none}.alarm h2{margin:0;font-size:1.75rem;line-height:1.15}.alarm h2 .en{color:#fff;font-size:1rem}\
body[data-sig=bad] .alarm,body[data-sig=other] .alarm{display:block}\
body[data-sig=bad] .b.ok,body[data-sig=other] .b.ok{background:#5b6168}\
.kid{font-size:.75rem;color:#4a4f55;overflow-wrap:anywhere;margin-top:4px}\
footer{font-size:.875rem;color:#33383d;margin-top:12px}.site{margin:12px 0;background:#fff;border:2px solid #8a9096;border-radius:8px;padding:8px 12px}.site h2{margin:0 0 4px;font-size:1rem}.site p,.site .typed{display:none;margin:4px 0;font-weight:600}.site[data-state=pending] .t-pending,.site[data-state=ok] .t-ok,.site[data-state=bad] .t-bad,.site[data-state=v1] .t-v1,.site[data-state=ok] .typed{display:block}.site[data-state=ok]{border-color:#0b6b2e}.site[data-state=ok] .t-ok{color:#0b6b2e}.site[data-state=bad]{border-color:#b0001a;background:#fff0f1}.site[data-state=bad] p{color:#9a0017}.site input{display:block;width:100%;font:inherit;padding:6px 8px;margin-top:4px;border:1px solid #8a9096;border-radius:6px}#site-typed[data-state=ok] .y-ok,#site-typed[data-state=bad] .y-bad{display:block}#site-typed .y-ok{color:#0b6b2e}#site-typed .y-bad{color:#9a0017}.code{margin:12px 0;background:#fff;border:1px solid #d5d8dc;border-radius:8px;padding:8px 12px}.code label{display:block;font-weight:600}.code input{font:inherit;font-size:1.25rem;letter-spacing:.12em;width:9.5em;padding:6px 8px;margin:6px 8px 0 0;text-transform:uppercase}.code button{font:inherit;font-size:1.0625rem;padding:7px 16px;border-radius:6px;border:0;background:#0b5cad;color:#fff}.code button .en{color:#fff}.code .err{color:#9a0017;font-weight:600;margin:0 0 6px}";

/// Reads the QR fragment (`#<payload>;<kid>;<signature>`), else the server's receipt values, and
/// checks the Ed25519 signature with the inlined public keys. States: ok (signed, this receipt, as
/// now), old (signed, this receipt, an earlier version), other (signed, another receipt), bad
/// (not signed by a published key), na (this browser has no Ed25519 in WebCrypto).
const SCRIPT: &str = "(async()=>{const e=document.getElementById('sig');if(!e)return;const d=e.dataset,s=k=>{e.dataset.state=k;document.body.dataset.sig=k};\
const b=t=>{t=t.replace(/-/g,'+').replace(/_/g,'/');while(t.length%4)t+='=';const r=atob(t),u=new Uint8Array(r.length);\
for(let i=0;i<r.length;i++)u[i]=r.charCodeAt(i);return u};\
const N=t=>{let o='';for(const q of t){let c=q.codePointAt(0);if(c>=65281&&c<=65374)c-=65248;if(c>=65&&c<=90)c+=32;\
if((c>=48&&c<=57)||(c>=97&&c<=122)||(c>=13312&&!(c>=65072&&c<=65103)&&!(c>=65280&&c<=65519)))o+=String.fromCodePoint(c)}return o};\
const H=async(n,t)=>{const x=new Uint8Array(await crypto.subtle.digest('SHA-256',new TextEncoder().encode('ANBEI-SITE1;'+n+';'+N(t)))).slice(0,12);\
let r='';for(const y of x)r+=String.fromCharCode(y);return btoa(r).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'')};\
const z=document.getElementById('site'),w=k=>{if(z)z.dataset.state=k};\
let p=d.payload,k=d.kid,g=d.sig,h=location.hash.slice(1);\
if(h){try{h=decodeURIComponent(h)}catch(x){}const a=h.lastIndexOf(';'),c=a>0?h.lastIndexOf(';',a-1):-1;\
if(c<1)return s('bad');p=h.slice(0,c);k=h.slice(c+1,a);g=h.slice(a+1)}\
const K=JSON.parse(d.keys||'{}');let key;try{const c=window.crypto&&crypto.subtle;if(!c)return s('na');\
const x=Object.values(K)[0];if(!x)return s('na');key=await c.importKey('raw',b(K[k]||x),{name:'Ed25519'},false,['verify'])}catch(x){return s('na')}\
if(!K[k])return s('bad');let ok=false;try{ok=await crypto.subtle.verify({name:'Ed25519'},key,b(g),new TextEncoder().encode(p))}catch(x){}\
if(!ok)return s('bad');const f=p.split(';');\
if(f[0]==='ANBEI1'&&f.length===8){if(f[1]!==d.no)return s('other');w('v1')}\
else if(f[0]==='ANBEI2'&&f.length===10){if(f[1]!==d.no||f[2]!==d.filing)return s('other');\
if(await H(f[1],d.site)!==f[7]){w('bad');return s('other')}w('ok');\
const i=document.getElementById('site-in'),o=document.getElementById('site-typed');\
if(i&&o){i.disabled=false;i.addEventListener('input',async()=>{const v=i.value;o.dataset.state=N(v)?(await H(f[1],v)===f[7]?'ok':'bad'):''})}}\
else return s('other');s(p===d.payload?'ok':'old')})();";

fn sha256_b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
}

/// The page's CSP: nothing but its own inline style and script (by hash) and data: images.
static CSP_SOURCES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'self'",
        sha256_b64(SCRIPT),
        sha256_b64(STYLE)
    )
});

fn html_response(s: &AppState, status: StatusCode, html: String) -> Response {
    let frame = if s.cfg.cors_origins.is_empty() {
        "'self'".to_owned()
    } else {
        format!("'self' {}", s.cfg.cors_origins.join(" "))
    };
    let mut r = (status, html).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    h.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{}; frame-ancestors {frame}",
        CSP_SOURCES.as_str()
    )) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
         <link rel=\"icon\" href=\"data:,\"><title>{}</title><style>{STYLE}</style></head><body>",
        esc(title)
    )
}

fn banner(look: Look, zh_detail: &str, en_detail: &str) -> String {
    let k = look.key();
    format!(
        "<header class=\"b {cls}\" role=\"status\" data-look=\"{cls}\"><div class=\"in\">{icon}<h1>{title}</h1></div><p>{detail}</p></header>",
        cls = look.class(),
        icon = look.icon(),
        title = text2(k),
        detail = both(zh_detail, en_detail),
    )
}

fn row(out: &mut String, label: Key, zh: &str, en: Option<&str>) {
    let value = match en {
        Some(en) if en != zh => both(zh, en),
        _ => esc(zh),
    };
    let _ = write!(out, "<div><dt>{}</dt><dd>{value}</dd></div>", text2(label));
}

fn checked_at(s: &AppState) -> (String, String) {
    let now = crate::clock::rfc3339(s.now_ms());
    let time = now.get(11..16).unwrap_or_default().to_owned();
    let at = |lang: Lang| {
        lang.fill(
            Key::ScanCheckedAtValue,
            &[("date", &lang.date_of(&now)), ("time", &time)],
        )
    };
    (at(Lang::ZhCn), at(Lang::En))
}

fn render(
    s: &AppState,
    rec: &FilingRecord,
    management: Option<&'static str>,
) -> Result<String, ApiError> {
    let mut v = verification(s, rec)?;
    v.management = management;
    let f: Filing = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let look = Look::of(&v);
    let mut h = head(&format!(
        "{} {} · {}",
        Lang::ZhCn.text(Key::ScanTitle),
        v.receipt_no,
        Lang::ZhCn.text(look.key())
    ));
    // Shown by the page's own check when the QR code's signature fails: the printed code is forged,
    // whatever the number's registration says.
    let _ = write!(
        h,
        "<div class=\"b bad alarm\" role=\"alert\"><div class=\"in\">{icon}<h2>{title}</h2></div><p>{detail}</p></div>",
        icon = Look::NotFound.icon(),
        title = text2(Key::SigForged),
        detail = text2(Key::SigForgedDetail),
    );
    h.push_str(&banner(
        look,
        &detail(Lang::ZhCn, look, &v, rec),
        &detail(Lang::En, look, &v, rec),
    ));
    h.push_str("<main><dl>");
    let street = s
        .engine
        .street_index(&v.street)
        .and_then(|i| s.engine.streets().get(i));
    row(
        &mut h,
        Key::ScanStreet,
        street.map_or(v.street.as_str(), |st| st.name.zh.as_str()),
        street.map(|st| st.name.en.as_str()),
    );
    let site = format!("{} {}", f.site.address, f.site.community);
    row(&mut h, Key::ScanSite, site.trim(), None);
    let scope = Code::from_str(&v.scope).map(|c| &s.engine.code_text(c).title);
    row(
        &mut h,
        Key::ScanScope,
        scope.map_or(v.scope.as_str(), |t| t.zh.as_str()),
        scope.map(|t| t.en.as_str()),
    );
    let risk = if v.high_risk {
        Key::ScanHighRiskYes
    } else {
        Key::ScanHighRiskNo
    };
    let _ = write!(
        h,
        "<div><dt>{}</dt><dd{}>{}</dd></div>",
        text2(Key::ScanHighRisk),
        if v.high_risk { " class=\"hr\"" } else { "" },
        text2(risk)
    );
    if let Some(m) = v.management {
        let k = match m {
            "referred" => Key::ScanReferred,
            _ => Key::ScanUnderRectification,
        };
        let _ = write!(
            h,
            "<div class=\"mg\" data-management=\"{m}\"><dt>{}</dt><dd class=\"hr\">{}</dd></div>",
            text2(Key::ScanManagement),
            text2(k)
        );
    }
    row(
        &mut h,
        Key::ScanValidUntil,
        &Lang::ZhCn.date_of(&v.valid_until),
        Some(&Lang::En.date_of(&v.valid_until)),
    );
    match &v.personal_data_removed {
        // after the retention period: no person is left to show (PIPL 第四十七条)
        Some(m) => row(&mut h, Key::ScanApplicant, &m.zh, Some(&m.en)),
        None => row(&mut h, Key::ScanApplicant, &v.applicant, None),
    }
    row(&mut h, Key::ScanContractor, &v.contractor, None);
    if let Some(p) = &v.project_lead {
        row(&mut h, Key::ScanProjectLead, p, None);
    }
    for (label, no) in [
        (Key::ScanReceiptNo, &v.receipt_no),
        (Key::ScanFilingNo, &v.filing_no),
    ] {
        let _ = write!(
            h,
            "<div><dt>{}</dt><dd class=\"num\">{}</dd></div>",
            text2(label),
            esc(no)
        );
    }
    let (zh, en) = checked_at(s);
    row(&mut h, Key::ScanCheckedAt, &zh, Some(&en));
    h.push_str("</dl>");
    h.push_str(&signature_section(s, &v, look == Look::Valid));
    let _ = write!(
        h,
        "<footer>{}</footer></main><script>{SCRIPT}</script></body></html>",
        both(&v.notice.zh, &v.notice.en)
    );
    Ok(h)
}

/// The signature's part: every outcome's words are here (the script only picks one), so the script
/// carries no text and the page says the server's result when the script cannot run.
fn signature_section(s: &AppState, v: &Verification, live: bool) -> String {
    let server = if v.signature_valid {
        Key::SigServerOk
    } else {
        Key::SigServerBad
    };
    let with_server = |k: Key| {
        both(
            &Lang::ZhCn.fill(k, &[("server", &Lang::ZhCn.text(server))]),
            &Lang::En.fill(k, &[("server", &Lang::En.text(server))]),
        )
    };
    let jwks = s.signer.jwks();
    let keys: serde_json::Map<String, serde_json::Value> = jwks["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| Some((k["kid"].as_str()?.to_owned(), k["x"].clone())))
        .collect();
    format!(
        "<section class=\"sig\" id=\"sig\" data-state=\"pending\" data-live=\"{live}\" aria-live=\"polite\" data-no=\"{no}\" data-payload=\"{payload}\" \
         data-filing=\"{filing}\" data-site=\"{site}\" data-kid=\"{kid}\" data-sig=\"{sig}\" data-keys=\"{keys}\"><h2>{title}</h2>\
         <p class=\"s-pending\">{pending}</p><p class=\"s-ok\">✓ {ok}</p><p class=\"s-old\">✓ {old}</p>{note}\
         <p class=\"s-bad\">✕ {bad}</p><p class=\"s-other\">✕ {other}</p><p class=\"s-na\">{na}</p>\
         <div class=\"kid\">Ed25519 · {kid}</div></section>\
         <section class=\"site\" id=\"site\" data-state=\"pending\" aria-live=\"polite\"><h2>{site_title}</h2>\
         <p class=\"t-pending\">{site_pending}</p><p class=\"t-ok\">✓ {site_ok}</p><p class=\"t-bad\">✕ {site_bad}</p>\
         <p class=\"t-v1\">{site_v1}</p><div class=\"typed\"><label for=\"site-in\">{site_input}</label>\
         <input id=\"site-in\" type=\"text\" autocomplete=\"off\" disabled>\
         <div id=\"site-typed\" data-state=\"\" aria-live=\"polite\"><p class=\"y-ok\">✓ {typed_ok}</p><p class=\"y-bad\">✕ {typed_bad}</p></div></div></section>",
        live = u8::from(live),
        note = if live {
            String::new()
        } else {
            format!(
                "<p class=\"s-note\">{}</p>",
                text2(Key::SigGenuineNotInForce)
            )
        },
        no = esc(&v.receipt_no),
        filing = esc(&v.filing_no),
        site = esc(&crate::signing::site_text(&v.site_address, &v.community)),
        site_title = text2(Key::SiteCheck),
        site_pending = text2(Key::SiteCheckPending),
        site_ok = text2(Key::SiteCheckOk),
        site_bad = text2(Key::SiteCheckBad),
        site_v1 = text2(Key::SiteCheckV1),
        site_input = text2(Key::SiteCheckInput),
        typed_ok = text2(Key::SiteCheckTypedOk),
        typed_bad = text2(Key::SiteCheckTypedBad),
        payload = esc(&v.payload),
        kid = esc(&v.kid),
        sig = esc(&v.signature),
        keys = esc(&serde_json::Value::Object(keys).to_string()),
        title = text2(Key::ScanSignature),
        pending = with_server(Key::SigPending),
        ok = text2(Key::SigOk),
        old = text2(Key::SigOld),
        bad = text2(Key::SigBad),
        other = text2(Key::SigOther),
        na = with_server(Key::SigUnsupported),
    )
}

/// The page without the verification code (or with a wrong one): the banner (state, valid until), the
/// receipt number, when it was checked, and the form for the code — no site, no names, no signature.
fn render_limited(s: &AppState, rec: &FilingRecord, wrong: bool) -> Result<String, ApiError> {
    let v = verification(s, rec)?;
    let look = Look::of(&v);
    let mut h = head(&format!(
        "{} {} · {}",
        Lang::ZhCn.text(Key::ScanTitle),
        v.receipt_no,
        Lang::ZhCn.text(look.key())
    ));
    h.push_str(&banner(
        look,
        &detail(Lang::ZhCn, look, &v, rec),
        &detail(Lang::En, look, &v, rec),
    ));
    h.push_str("<main><dl>");
    row(
        &mut h,
        Key::ScanValidUntil,
        &Lang::ZhCn.date_of(&v.valid_until),
        Some(&Lang::En.date_of(&v.valid_until)),
    );
    let _ = write!(
        h,
        "<div><dt>{}</dt><dd class=\"num\">{}</dd></div>",
        text2(Key::ScanReceiptNo),
        esc(&v.receipt_no)
    );
    let (zh, en) = checked_at(s);
    row(&mut h, Key::ScanCheckedAt, &zh, Some(&en));
    let _ = write!(
        h,
        "</dl><form class=\"code\" method=\"get\" action=\"/v/{no}\" data-wrong=\"{wrong}\">{err}         <p>{need}</p><label for=\"code-in\">{label}</label><input id=\"code-in\" name=\"c\" inputmode=\"text\"          autocomplete=\"off\" autocapitalize=\"characters\" maxlength=\"12\" placeholder=\"XXXX-XXXX\" required>         <button type=\"submit\">{submit}</button></form>",
        no = esc(&v.receipt_no),
        wrong = u8::from(wrong),
        err = if wrong {
            format!(
                "<p class=\"err\" role=\"alert\">{}</p>",
                both(
                    Lang::ZhCn.text(Key::VerifyCodeWrongDetail),
                    Lang::En.text(Key::VerifyCodeWrongDetail)
                )
            )
        } else {
            String::new()
        },
        need = text2(Key::VerifyCodeNeeded),
        label = text2(Key::ScanCode),
        submit = text2(Key::ScanCodeSubmit),
    );
    let _ = write!(
        h,
        "<footer>{}</footer></main></body></html>",
        both(&v.notice.zh, &v.notice.en)
    );
    Ok(h)
}

fn render_not_found(_s: &AppState, no: &str) -> String {
    let look = Look::NotFound;
    let mut h = head(&format!(
        "{} · {}",
        Lang::ZhCn.text(Key::ScanTitle),
        Lang::ZhCn.text(look.key())
    ));
    h.push_str(&banner(
        look,
        &Lang::ZhCn.fill(Key::ScanNotFoundDetail, &[("no", &no)]),
        &Lang::En.fill(Key::ScanNotFoundDetail, &[("no", &no)]),
    ));
    let _ = write!(
        h,
        "<main><footer>{}</footer></main></body></html>",
        text2(Key::NotAPermit)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn browsers_get_html_machines_json() {
        // Chromium, Firefox and Safari opening a link.
        assert!(wants_html(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
        )));
        assert!(wants_html(&accept("text/html")));
        assert!(!wants_html(&HeaderMap::new()));
        assert!(!wants_html(&accept("*/*")));
        assert!(!wants_html(&accept("application/json")));
        assert!(!wants_html(&accept("text/html;q=0.5, application/json")));
        assert!(!wants_html(&accept("text/html;q=0")));
        assert!(wants_html(&accept("application/json;q=0.5, text/html")));
    }

    #[test]
    fn dates_in_words() {
        let d = anbei_core::Date::parse("2026-12-02").unwrap();
        assert_eq!(Lang::ZhCn.date(d), "2026年12月2日");
        assert_eq!(Lang::En.date(d), "2 December 2026");
        assert_eq!(
            Lang::ZhCn.date_of("2027-05-23T10:00:00.000+08:00"),
            "2027年5月23日"
        );
        assert_eq!(Lang::En.date_of("soon"), "soon");
    }
}
