//! Printable pages: the A4 registration receipt (登记回执) with a QR code to its verification, and the
//! site notice to post at the main entrance (第十条第（三）项): receipt, safety pledge, risk notice built
//! from the hazards, and the worker list. Public pages: personal data masked — and shown only with the
//! receipt's verification code (`?c=`, as `print_url`/`notice_url` carry it; issue 16, item 2), which
//! they print beside the QR code. Without it, or with a wrong one (counted against the client), a short
//! page asks for it.

use crate::app::AppState;
use crate::error::{ApiError, ApiPath};
use crate::filing::Filing;
use crate::lifecycle::State;
use crate::routes::Routes;
use crate::routes::receipts::verification;
use crate::routes::registrations::{ReceiptView, filed_on, receipt_view};
use crate::store::FilingRecord;
use crate::validate;
use anbei_core::Code;
use axum::response::{Html, IntoResponse, Response};
use std::fmt::Write;

pub fn routes(r: Routes) -> Routes {
    r.get("/receipts/{receipt_no}", receipt_page)
        .get("/receipts/{receipt_no}/notice", notice_page)
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The QR code as inline SVG.
pub fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build();
            match svg.find("<svg") {
                Some(i) => svg[i..].to_owned(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

const STYLE: &str = "<style>@page{size:A4;margin:15mm}body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;\
max-width:180mm;margin:0 auto;color:#111;font-size:11pt}h1{font-size:17pt;text-align:center;margin:4mm 0}h2{font-size:13pt;border-bottom:1px solid #444;\
margin-top:6mm}table{border-collapse:collapse;width:100%}td,th{border:1px solid #777;padding:1.6mm 2.4mm;text-align:left;vertical-align:top}\
th{width:32%;background:#f2f2f2;font-weight:normal}.qr{text-align:center;margin-top:4mm}.qr svg{width:45mm;height:45mm}.qr .code{font-size:13pt;letter-spacing:.08em;margin:1mm 0}.small{font-size:8.5pt;color:#444;\
word-break:break-all}.state{font-weight:bold}.warn{border:2px solid #b00;padding:2mm;color:#600}.page{page-break-after:always}\
@media print{.noprint{display:none}}\
.void{position:fixed;top:0;left:0;right:0;bottom:0;display:flex;align-items:center;justify-content:center;pointer-events:none;z-index:10}\
.void div{transform:rotate(-35deg);text-align:center;color:rgba(176,0,26,.42);border:2.5mm solid rgba(176,0,26,.42);padding:2mm 8mm;\
font-weight:800;line-height:1.1;background:rgba(255,255,255,.35)}.void b{display:block;font-size:min(84pt,19vw);letter-spacing:.3em}.void span{display:block;font-size:min(20pt,4.6vw)}\
.void-banner{border:1mm solid #b0001a;color:#8c0014;font-weight:bold;padding:2mm 3mm;margin:2mm 0;font-size:12pt}\
.void-banner span{display:block;font-weight:normal;font-size:10pt}</style>";

/// What both printed pages show: the registration, its filing, its receipt and the receipt's table.
struct Printed {
    rec: FilingRecord,
    f: Filing,
    rv: ReceiptView,
    table: String,
    /// The void mark of a registration no longer in force (empty when in force).
    void: String,
}

/// The printed pages' request: the receipt number and its verification code.
pub struct PrintRequest<'a> {
    pub no: &'a str,
    pub code: Option<&'a str>,
    pub headers: &'a axum::http::HeaderMap,
    pub ext: &'a axum::http::Extensions,
}

/// The registration behind a printed page, or (`Err(Ok(page))`) the page asking for its code.
async fn load(s: &AppState, req: &PrintRequest<'_>) -> Result<Result<Printed, Response>, ApiError> {
    use crate::routes::receipts::{Access, access};
    let rec = s
        .store
        .get_by_receipt(req.no)
        .await?
        .filter(|r| r.receipt.is_some())
        .ok_or(ApiError::NotFound)?;
    match access(s, &rec, req.code, req.headers, req.ext)? {
        Access::Full => {}
        a => return Ok(Err(code_page(req.no, a == Access::Wrong))),
    }
    let f: Filing = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let rv = receipt_view(
        s,
        rec.receipt.as_ref().ok_or(ApiError::NotFound)?,
        &rec.created_at,
    );
    let table = receipt_table(s, &rec, &f)?;
    let void = void_mark(s, &rec)?;
    Ok(Ok(Printed {
        rec,
        f,
        rv,
        table,
        void,
    }))
}

/// A printed page without its verification code (200) or with a wrong one (403): a form for the code.
fn code_page(no: &str, wrong: bool) -> Response {
    use crate::messages::{Key, Lang};
    let err = if wrong {
        format!(
            "<p class=\"warn\" role=\"alert\">{}<br>{}</p>",
            esc(Lang::ZhCn.text(Key::VerifyCodeWrongDetail)),
            esc(Lang::En.text(Key::VerifyCodeWrongDetail))
        )
    } else {
        String::new()
    };
    let h = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">         <title>{no}</title>{STYLE}</head><body><h1>{no}</h1>{err}<form method=\"get\"><p>{zh}<br><span lang=\"en\">{en}</span></p>         <label>{label_zh} / {label_en} <input name=\"c\" autocomplete=\"off\" maxlength=\"12\" placeholder=\"XXXX-XXXX\" required></label>          <button type=\"submit\">{submit_zh} / {submit_en}</button></form></body></html>",
        no = esc(no),
        zh = esc(Lang::ZhCn.text(Key::VerifyCodeNeeded)),
        en = esc(Lang::En.text(Key::VerifyCodeNeeded)),
        label_zh = esc(Lang::ZhCn.text(Key::ScanCode)),
        label_en = esc(Lang::En.text(Key::ScanCode)),
        submit_zh = esc(Lang::ZhCn.text(Key::ScanCodeSubmit)),
        submit_en = esc(Lang::En.text(Key::ScanCodeSubmit)),
    );
    let status = if wrong {
        axum::http::StatusCode::FORBIDDEN
    } else {
        axum::http::StatusCode::OK
    };
    let mut r = (status, Html(h)).into_response();
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

/// A revoked, cancelled or expired registration's printed receipt and notice are void on every printed
/// page: a large diagonal 作废 / VOID with the state and its date, `position: fixed` (which the browser
/// repeats on each printed page), and a banner at the top.
fn void_mark(s: &AppState, rec: &FilingRecord) -> Result<String, ApiError> {
    use crate::messages::{Key, Lang};
    use crate::routes::scan::void_line;
    let v = verification(s, rec)?;
    let (Some(zh), Some(en)) = (void_line(Lang::ZhCn, &v, rec), void_line(Lang::En, &v, rec))
    else {
        return Ok(String::new());
    };
    Ok(format!(
        "<div class=\"void\" aria-hidden=\"true\"><div><b>{void_zh}</b><b>{void_en}</b><span>{zh}</span><span>{en}</span></div></div>\
         <p class=\"void-banner\" role=\"alert\">{banner_zh}<span lang=\"en\">{banner_en}</span></p>",
        void_zh = esc(Lang::ZhCn.text(Key::Void)),
        void_en = esc(Lang::En.text(Key::Void)),
        zh = esc(&zh),
        en = esc(&en),
        banner_zh = esc(&Lang::ZhCn.fill(Key::VoidBanner, &[("what", &zh)])),
        banner_en = esc(&Lang::En.fill(Key::VoidBanner, &[("what", &en)])),
    ))
}

/// The state as the printed receipt says it.
fn state_zh(st: State) -> &'static str {
    match st {
        State::Registered => "已登记（有效）",
        State::Extended => "已延期（有效）",
        State::Expired => "已过期",
        State::CompletionDeclared => "已申报完工，待街道核实",
        State::Cancelled => "已注销",
        State::Revoked => "已撤销",
        State::Filed | State::Returned | State::Refused => "无效",
    }
}

fn receipt_table(s: &AppState, rec: &FilingRecord, f: &Filing) -> Result<String, ApiError> {
    // dates as people read them (2026年12月2日), never ISO: the printed receipt is read at the site gate
    let zh = crate::messages::Lang::ZhCn;
    let v = verification(s, rec)?;
    let scope = Code::from_str(&v.scope)
        .map(|c| s.engine.code_text(c).title.zh.clone())
        .unwrap_or_else(|| v.scope.clone());
    let mut t = String::from("<table>");
    let mut row = |k: &str, val: &str| {
        let _ = write!(t, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(val));
    };
    row("回执编号", &v.receipt_no);
    row("登记编号", &v.filing_no);
    row("当前状态", state_zh(v.status));
    row("类别", &scope);
    row(
        "是否高风险",
        if v.high_risk {
            "是（高风险工程）"
        } else {
            "否"
        },
    );
    row(
        "所属街道",
        // the street in words (its code only if the data has no name): people read this page
        &v.street_name.clone().unwrap_or_else(|| v.street.clone()),
    );
    row("工程地址", &format!("{} {}", v.site_address, v.community));
    if let Some(m) = &v.personal_data_removed {
        row("个人信息", &m.zh);
    } else {
        row("申报人", &v.applicant);
    }
    row("施工单位", &v.contractor);
    if let Some(p) = &v.project_lead {
        row("项目负责人", p);
    }
    row(
        "计划工期",
        &format!(
            "{} 至 {}",
            zh.date_of(&f.planned_start),
            zh.date_of(&f.planned_end)
        ),
    );
    row("建筑废弃物消纳场所", &f.waste_disposal_site);
    row("登记时间", &zh.time_of(&v.issued_at));
    row("有效期至", &zh.date_of(&v.valid_until));
    row("规则版本", &v.ruleset);
    t.push_str("</table>");
    Ok(t)
}

fn draft_notice(s: &AppState) -> String {
    let view = s.engine.ruleset_view(s.today());
    // the rule set's own notice ends "结果仅供自查参考", which is the self-check's; a registration is not one
    match view.status == "draft" {
        true => format!(
            "<p class=\"small\">{}</p>",
            esc(crate::messages::Lang::ZhCn.text(crate::messages::Key::PrintedDraftNotice))
        ),
        false => String::new(),
    }
}

/// The printable A4 receipt (zh-CN) with the QR code of its signed payload and verify address.
#[utoipa::path(get, path = "/receipts/{receipt_no}", tag = "receipts",
    params(("receipt_no" = String, Path), ("c" = Option<String>, Query, description = "the verification code (as `print_url` carries it)")),
    responses((status = 200, description = "HTML page (without the code: a form asking for it)", content_type = "text/html"),
              (status = 403, description = "a wrong verification code: the form again (HTML)", content_type = "text/html"),
              (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn receipt_page(
    axum::extract::State(s): axum::extract::State<AppState>,
    ApiPath(no): ApiPath<String>,
    crate::error::ApiQuery(q): crate::error::ApiQuery<crate::routes::receipts::CodeQuery>,
    headers: axum::http::HeaderMap,
    ext: axum::http::Extensions,
) -> Result<Response, ApiError> {
    let req = PrintRequest {
        no: &no,
        code: q.given(),
        headers: &headers,
        ext: &ext,
    };
    let Printed {
        rv, table, void, ..
    } = match load(&s, &req).await? {
        Ok(p) => p,
        Err(page) => return Ok(page),
    };
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>登记回执 {no}</title>{STYLE}</head><body>{void}\
         <h1>龙岗区限额以下小型工程和零星作业<br>安全生产纳管登记回执</h1>{table}\
         <p class=\"warn\">本回执为安全生产纳管登记（备案告知），不是行政许可；其他审批手续须依法另行办理（第八条）。\
         请将本回执与安全生产承诺书、风险告知书、施工人员名单张贴于施工现场主要出入口（第十条第（三）项）。</p>\
         <div class=\"qr\">{qr}<div>扫码核验回执真伪与当前状态</div><div class=\"code\">核验码 Verification code：<b>{code}</b></div>\
         <div class=\"small\">无智能手机：在 {verify} 输入核验码</div></div>\
         <p class=\"small\">电子签名（Ed25519，密钥 {kid}）：{sig}<br>签名内容：{payload}</p>{draft}\
         <p class=\"noprint\"><a href=\"{notice}\">打印现场公示材料</a></p></body></html>",
        no = esc(&no),
        notice = esc(&rv.notice_url),
        void = void,
        table = table,
        qr = qr_svg(&rv.qr_payload),
        code = esc(&rv.verification_code),
        verify = esc(&format!(
            "{}/v/{}",
            s.cfg.public_url.trim_end_matches('/'),
            rv.receipt_no
        )),
        kid = esc(&rv.kid),
        sig = esc(&rv.signature),
        payload = esc(&rv.payload),
        draft = draft_notice(&s),
    );
    Ok(Html(h).into_response())
}

/// The site notice: receipt, safety pledge, risk notice from the hazards, worker list.
#[utoipa::path(get, path = "/receipts/{receipt_no}/notice", tag = "receipts",
    params(("receipt_no" = String, Path), ("c" = Option<String>, Query, description = "the verification code (as `notice_url` carries it)")),
    responses((status = 200, description = "HTML page (without the code: a form asking for it)", content_type = "text/html"),
              (status = 403, description = "a wrong verification code: the form again (HTML)", content_type = "text/html"),
              (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn notice_page(
    axum::extract::State(s): axum::extract::State<AppState>,
    ApiPath(no): ApiPath<String>,
    crate::error::ApiQuery(q): crate::error::ApiQuery<crate::routes::receipts::CodeQuery>,
    headers: axum::http::HeaderMap,
    ext: axum::http::Extensions,
) -> Result<Response, ApiError> {
    let req = PrintRequest {
        no: &no,
        code: q.given(),
        headers: &headers,
        ext: &ext,
    };
    let Printed {
        rec,
        f,
        rv,
        table,
        void,
    } = match load(&s, &req).await? {
        Ok(p) => p,
        Err(page) => return Ok(page),
    };
    let assessment: serde_json::Value =
        serde_json::from_str(&rec.assessment).map_err(ApiError::internal)?;
    let view = s.engine.ruleset_view(s.today());
    let mut risks = String::new();
    for key in assessment
        .get("risk_factors")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
    {
        let name = view
            .fact_names
            .get(key)
            .map(|n| n.zh.clone())
            .or_else(|| {
                view.facts
                    .iter()
                    .find(|q| q.key == key)
                    .map(|q| q.question.zh.clone())
            })
            .unwrap_or_else(|| key.to_owned());
        let _ = write!(risks, "<li>{}</li>", esc(&name));
    }
    if risks.is_empty() {
        risks.push_str("<li>一般施工作业风险：物体打击、触电、机械伤害等</li>");
    }
    let mut obligations = String::new();
    for code in assessment
        .get("obligations")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|o| o.get("code").and_then(|c| c.as_str()))
        .filter_map(Code::from_str)
    {
        let t = s.engine.code_text(code);
        let _ = write!(
            obligations,
            "<li>{}（{}）</li>",
            esc(&t.title.zh),
            esc(&t.article)
        );
    }
    let mut workers = String::from(
        "<table><tr><th style=\"width:8%\">序号</th><th style=\"width:22%\">姓名</th><th>身份证号</th><th>特种作业</th><th>操作证号</th></tr>",
    );
    for (i, w) in f.workers.iter().enumerate() {
        let op = w
            .operation
            .as_deref()
            .and_then(|k| view.fact_names.get(k))
            .map(|n| n.zh.clone())
            .unwrap_or_default();
        let _ = write!(
            workers,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            esc(&validate::mask_name(&w.name)),
            esc(&validate::mask_id(&w.id_number)),
            esc(&op),
            // A special-operation certificate number is "T" + the holder's resident ID number: masked
            // like one on a page anyone at the site gate can read.
            esc(&w
                .certificate_no
                .as_deref()
                .map(validate::mask_id)
                .unwrap_or_default())
        );
    }
    workers.push_str("</table>");
    if crate::retention::purged_on_text(&rec.request).is_some() {
        // after the retention period: the list names no one any more
        workers = format!(
            "<p>{}</p>",
            esc(crate::messages::Lang::ZhCn.text(crate::messages::Key::PersonalDataRemoved))
        );
    }
    let mut h = String::with_capacity(32 * 1024);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>现场公示 {no}</title>{STYLE}</head><body>{void}\
         <section class=\"page\"><h1>安全生产纳管登记回执</h1>{table}<div class=\"qr\">{qr}<div>扫码核验</div>\
         <div class=\"code\">核验码 Verification code：<b>{code}</b></div></div></section>\
         <section class=\"page\">{pledge}<p>建筑废弃物消纳场所：{waste}</p><p>申报人：{applicant}　　施工单位：{contractor}</p>\
         <h2>应履行的义务</h2><ul>{obligations}</ul></section>\
         <section class=\"page\"><h1>安全风险告知书</h1><p>本工程存在以下主要安全风险，请无关人员远离作业区域，注意安全：</p>\
         <ul>{risks}</ul><h2>施工人员名单</h2>{workers}</section>{draft}</body></html>",
        no = esc(&no),
        void = void,
        table = table,
        qr = qr_svg(&rv.qr_payload),
        code = esc(&rv.verification_code),
        pledge = pledge_html(&s, &rec, &f)?,
        waste = esc(&f.waste_disposal_site),
        applicant = esc(&validate::mask_name(&f.applicant.name)),
        contractor = esc(&f.contractor.public_name()),
        obligations = obligations,
        risks = risks,
        workers = workers,
        draft = draft_notice(&s),
    );
    Ok(Html(h).into_response())
}

/// The pledge as affirmed in the form, in full, with who affirmed it and when (第二十七条第（四）项, spec v3),
/// quoting the parameters of the rule set in force on the filing date, as the form did;
/// a filing from before v3 uploaded a signed paper pledge, which is what gets posted.
fn pledge_html(s: &AppState, rec: &FilingRecord, f: &Filing) -> Result<String, ApiError> {
    use anbei_filing::pledge;
    let filed_on = filed_on(rec)?;
    let affirmed = f.pledge.as_ref().and_then(|p| {
        crate::filing::pledge_text(&s.engine, filed_on, &p.version).map(|text| (p, text))
    });
    let Some((p, text)) = affirmed else {
        return Ok("<h1>安全生产承诺书</h1><p>本登记的安全生产承诺书为申报时提交的书面承诺书，请将签字原件张贴于此。</p>".into());
    };
    let mut h = format!("<h1>{}</h1>", esc(pledge::title(&text.zh)));
    for para in pledge::paragraphs(&text.zh) {
        let _ = write!(h, "<p>{}</p>", esc(para));
    }
    let role = match p.signer {
        anbei_filing::Signer::Applicant => "申报人",
        anbei_filing::Signer::Agent => "受托人",
    };
    let name = f
        .pledge_signer()
        .map(|s| validate::mask_name(&s.name))
        .unwrap_or_default();
    let _ = write!(
        h,
        "<p class=\"pledge-signed\">承诺人（{role}）：{}（已在网上登记时阅读并勾选承诺）　确认时间：{}　承诺书版本：{}</p>",
        esc(&name),
        esc(&crate::messages::Lang::ZhCn.time_of(&p.signed_at)),
        esc(&p.version)
    );
    Ok(h)
}
