//! 简体中文（`zh-CN`）：问题文档的 `title_zh`/`detail_zh` 与每条 `message.zh`。

use super::{Catalogue, Key};
use crate::lifecycle::{Action, Actor, Role, State};

pub const CATALOGUE: Catalogue = Catalogue {
    tag: "zh-CN",
    text,
    state,
    action,
    actor,
    list_separator: "、",
};

fn text(k: Key) -> &'static str {
    match k {
        Key::BadRequest => "请求有误",
        Key::InvalidFiling => "申报材料不完整或有误",
        Key::InvalidRequest => "请求内容有误",
        Key::InvalidFacts => "事实数据有误",
        Key::NotRegistrable => "不能在本系统登记",
        Key::IdempotencyMismatch => "幂等键已用于另一份请求",
        Key::IdempotencyMismatchDetail => {
            "同一幂等键只能用于同一份请求内容；新的申报请使用新的幂等键"
        }
        Key::IdempotencyInFlight => "相同请求正在处理中",
        Key::IdempotencyInFlightDetail => "请稍后用同一幂等键重试以取得结果",
        Key::InvalidState => "当前状态下不能进行此操作",
        Key::Unauthorized => "需要身份凭证",
        Key::UnauthorizedDetail => "请提供有效的访问令牌（Authorization: Bearer …）",
        Key::Forbidden => "无权进行此操作",
        Key::MetricsForbidden => "监控指标仅限本机或持有监控令牌者读取",
        Key::NotFound => "未找到",
        Key::NotFoundDetail => "所请求的资源不存在",
        Key::MethodNotAllowed => "不支持此方法",
        Key::MethodNotAllowedDetail => "该地址不支持此 HTTP 方法",
        Key::PayloadTooLarge => "内容过大",
        Key::PayloadTooLargeDetail => "请求内容不能超过 {limit} 字节",
        Key::UnsupportedMediaType => "不支持的文件或内容类型",
        Key::RateLimited => "请求过于频繁",
        Key::RateLimitedDetail => "请 {seconds} 秒后再试",
        Key::Unavailable => "服务暂不可用",
        Key::UnavailableDetail => "数据库暂不可用",
        Key::UploadQuota => "此地址上传过于频繁",
        Key::UploadQuotaDetail => {
            "每个地址每小时最多上传 {count} 个文件、共 {mb} MB；请 {seconds} 秒后再试"
        }
        Key::InsufficientStorage => "存储空间不足，暂停上传",
        Key::InsufficientStorageDetail => {
            "服务器磁盘空间不足，暂时无法上传文件；材料已上传的备案仍可提交。请稍后再上传"
        }
        Key::Internal => "服务器内部错误",
        Key::InternalDetail => "请稍后再试；问题已记录",
        Key::ProblemsOne | Key::ProblemsMany => "共 {n} 处问题，未予处理",
        Key::ConcurrentChange => "该登记已被并发修改，请刷新后重试",
        Key::MalformedJson => "请求内容不是有效的 JSON：{error}",
        Key::NotUtf8 => "请求内容不是 UTF-8",
        Key::BodyNotJson => "请求内容应为 JSON（Content-Type: application/json）",
        Key::BadBody => "无法读取请求内容：{error}",
        Key::BadPath => "地址参数有误：{error}",
        Key::BadQuery => "查询参数有误：{error}",
        Key::EmptyUpload => "上传内容为空",
        Key::UploadType => "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断）",
        Key::UploadTypeMismatch => "声明的类型 {declared} 与文件内容（{actual}）不符",
        Key::UploadStructure => {
            "文件不完整或已损坏：不是结构完整的 {actual} 文件，请重新导出或重新拍摄后上传"
        }
        Key::IdempotencyKeyRequired => "缺少 Idempotency-Key 请求头",
        Key::IdempotencyKeyInvalid => "Idempotency-Key 应为 1—255 个可见 ASCII 字符",
        Key::OfficersOnly => "仅限街道工作人员",
        Key::OtherStreet => "该登记不属于您所在街道",
        Key::ApplicantOrContractorOnly => "此操作由申报人或登记的施工单位办理",
        Key::ApplicantOnly => "此操作由申报人办理",
        Key::ListOwnStreet => "只能查看本街道的登记",
        Key::NotPermittedLedger => "巡查人员账户不能查看台账，只能查看其巡查的登记",
        Key::OutsideScope => "该登记不在您的管辖范围内",
        Key::AdminOnly => "仅限区级管理员",
        Key::HighRiskStaysWithStreet => {
            "高风险作业的登记由街道办事处受理，社区工作站和物业服务企业不能受理（第二十一条第（四）项）"
        }
        Key::SignInFailed => "登录失败",
        Key::SignInFailedDetail => {
            "登录名或密码不正确。连续失败 5 次后该登录名将暂停登录 15 分钟。"
        }
        Key::TotpRequired => "需要动态验证码",
        Key::TotpRequiredDetail => "请输入身份验证器应用显示的 6 位动态验证码",
        Key::CsrfFailed => "请求校验失败",
        Key::CsrfFailedDetail => {
            "使用登录会话提交的操作须带有 X-CSRF-Token 请求头；请刷新页面后重试"
        }
        Key::PasswordChangeRequired => "请先修改密码",
        Key::PasswordChangeRequiredDetail => "首次登录或密码被重置后，须先设置新密码",
        Key::TotpEnrolmentRequired => "请先启用动态验证码",
        Key::TotpEnrolmentRequiredDetail => "管理员账户须启用动态验证码（双因素认证）后才能使用",
        Key::PasswordLength => "密码长度须为 {min} 至 {max} 个字符",
        Key::PasswordCommon => "该密码过于常见或容易猜到，请换一个",
        Key::PasswordSame => "新密码不能与当前密码相同",
        Key::PasswordWrong => "当前密码不正确",
        Key::TotpWrong => "动态验证码不正确或已使用过",
        Key::TotpNotStarted => "请先开始启用动态验证码",
        Key::AccountExists => "该登录名已被使用",
        Key::UnknownRole => "角色须为以下之一：{roles}",
        Key::UnknownStreet => "未知街道；可选：{streets}",
        Key::StreetRequired => "{role}账户须指定所属街道",
        Key::CommunityRequired => "社区账户须指定所属社区",
        Key::AreasRequired => "物业账户须列出其物业管理区域（不含 | % _ 字符）",
        Key::DepartmentRequired => "部门账户须指定所属部门",
        Key::UnknownDepartment => "未知部门；可选：{departments}",
        Key::EveryStreetAdminOnly => "只有管理员账户可以覆盖全部街道",
        Key::LoginFormat => "登录名须为 3 至 40 个小写字母、数字或 . _ - 字符",
        Key::TokenDays => "有效天数须为 1 至 365",
        Key::OwnAccount => "不能停用自己的账户",
        Key::NotPermitted => "{actor}不能{action}登记",
        Key::WrongState => {
            "当前状态为“{state}”，不能{action}；只有“{allowed}”的登记才能{action}（{article}）"
        }
        Key::NewFiling => "尚未申报",
        Key::NoFastAcceptance => "不适用快速受理",
        Key::NotInForce => "只有有效的登记才能延期",
        Key::Expired => "登记已于 {date} 到期，请重新申报",
        Key::OutsideExtensionWindow => {
            "延期须在有效期届满前 {days} 日内（{start} 至 {end}）申请（第二十五条）"
        }
        Key::FastAcceptance => "快速受理",
        Key::Date => "应为有效日期 YYYY-MM-DD",
        Key::CompletionInFuture => "完工日期不能晚于今天",
        Key::CompletionBeforeRegistration => "完工日期不能早于登记日期（{date}）",
        Key::UploadId => "应为上传文件编号（sha256:…）",
        Key::UnknownUpload => "未找到该上传文件，请重新上传",
        Key::StreetImmutable => "不能改为其他街道（原为 {street}）；请另行申报",
        Key::ChangesLength => "请列出 1—100 项需补正的内容",
        Key::RevocationGround => "撤销理由代码应为 {grounds}",
        Key::ExtensionRange => {
            "新的有效期应晚于 {current}，且不超过 {max}（延长不超过 {months} 个月）"
        }
        Key::UnknownStatus => "未知的状态",
        Key::InspectionKind => "检查类型应为以下之一：{kinds}",
        Key::ChecklistItem => "应为本次检查清单中的一项：{items}",
        Key::ItemAnswer => "答复应为 ok（符合）、finding（发现问题）或 not_applicable（不适用）",
        Key::NoteRequired => "答复为“发现问题”或“不适用”时须填写说明",
        Key::FindingForItem => {
            "答复为“发现问题”的检查项须至少有一条问题记录（findings 中 item 为该项）"
        }
        Key::FindingCode => "问题代码应为以下之一：{codes}",
        Key::NotAnImage => "照片应为已上传的图片（JPEG 或 PNG）",
        Key::ItemMissing => "检查清单中的 {item} 尚未答复（第三十四条：检查情况须如实记录）",
        Key::ItemTwice => "同一检查项只能答复一次",
        Key::RectifyByRange => "整改期限应为不早于检查之日的有效日期",
        Key::InspectedAt => "检查时间应为 YYYY-MM-DD 或 RFC 3339 时间",
        Key::InspectedInFuture => "检查时间不能晚于今天",
        Key::InspectOnlyStaff => {
            "只有街道、社区、物业和巡查人员可以记录检查和核实整改（第二十九条、第三十四条）"
        }
        Key::PropertyWatchOnly => "物业服务企业只能记录物业旁站检查（第二十三条第（三）项）",
        Key::InspectNotInForce => "该登记当前不在施工管理中，不能记录此类检查",
        Key::FindingNotOpen => "该问题当前不待整改",
        Key::RejectNeedsReason => "不予通过时须说明理由",
        Key::NothingToDecide => "没有待核实的整改答复",
        Key::NoEscalation => "没有待确认的重大隐患升级（第三十条第（七）项）",
        Key::OfficerOnly => "此操作由街道办事处办理（第二十一条、第三十六条）",
        Key::ReferralTarget => "移交对象应为以下之一：{targets}",
        Key::AddressRequired => "未登记施工的检查须填写街道和地址（第三十条第（三）项）",
        Key::UnregisteredReferralFinding => "移交须按序号（0 至 {n} - 1）指明本记录的一项发现问题",
        Key::UnregisteredReferralDepartment => {
            "移交相关行业管理部门须指明部门（第三十六条第（三）项），应为以下之一：{codes}"
        }
        Key::ItemFinding => "检查项 {item} 只能记录以下问题：{codes}",
        Key::DepartmentCode => "部门应为以下之一：{departments}",
        Key::ReferralDepartmentRequired => {
            "移交主管部门（REF_DEPARTMENT）须写明部门（第三十六条第（三）项）"
        }
        Key::DepartmentOnlyForDepartment => "只有移交主管部门（REF_DEPARTMENT）才写明部门",
        Key::StatsOutsideScope => "该统计超出您账号的管辖范围：您的账号仅覆盖{scope}",
        Key::ContractorOnly => "现场记录由申报中登记的施工单位凭其访问码上传",
        Key::SiteRecordKind => "现场记录类型应为以下之一：{kinds}",
        Key::SiteRecordEmpty => "现场记录须有说明或至少一份材料",
        Key::SiteRecordNotManaged => "该登记当前不在管理期内，不能上传现场记录",
        Key::FollowUpFindingState => {
            "只能为待整改或待核实的问题安排复查；该问题已销号或已移交（第三十条、第三十六条）"
        }
        Key::FollowUpDue => "复查日期应为不早于今天的有效日期（YYYY-MM-DD）",
        Key::FollowUpScheduled => {
            "该问题已安排复查（{due}），请先完成该次复查；每个问题同一时间只安排一次复查"
        }
        Key::FeedbackViewerOnly => "监督检查反馈由区行业主管部门提出（第三十一条）",
        Key::NotifySubject => "【安备】{event}：{filing_no}",
        Key::NotifyFiled => "登记申报已收到",
        Key::NotifyReturned => "登记申报需补正",
        Key::NotifyRegistered => "登记成功",
        Key::NotifyRefused => "不予登记",
        Key::NotifyRevoked => "登记已撤销",
        Key::NotifyExtended => "登记已延期",
        Key::NotifyCancelled => "登记已注销",
        Key::NotifyExtensionWindowOpens => "现在可以申请延期",
        Key::NotifyValidUntilReached => "登记今日到期",
        Key::NotifyFinding => "检查发现问题，请按期整改",
        Key::NotifyRectificationAccepted => "整改已核实通过",
        Key::NotifyRectificationRejected => "整改未通过核实",
        Key::NotifyEscalated => "已纳入高风险施工管理",
        Key::NotifyCancellationDue => "完工后请及时申报注销",
        Key::NotifyRectificationDue => "今日为整改期限",
        Key::NotifyOfficerFilingAwaiting => "有申报待受理",
        Key::NotifyFindingRecorded => "巡查发现问题",
        Key::NotifyRectificationAnswered => "整改情况待核实",
        Key::NotifySiteRecord => "施工单位上传了现场记录",
        Key::NotifyFeedback => "区行业主管部门提出监督检查反馈",
        Key::NotifyInspectionDue => "今日应完成现场检查",
        Key::NotifyInspectionOverdue => "现场检查已逾期",
        Key::NotifyReferralDue => "今日应移交处理",
        Key::NotifyRectificationOverdue => "整改已逾期",
        Key::NotifyInspectionDueLine => {
            "{inspection}应于今天（{date}）完成（{article}）。请在工作台“检查”队列中打开该登记，到现场检查并记录。"
        }
        Key::NotifyInspectionOverdueLine => {
            "{inspection}应于 {date}前完成，至今未记录，已逾期（{article}）。逾期的检查排在工作台“检查”队列最前。"
        }
        Key::NotifyReferralDueLine => {
            "问题：{finding}。按第三十条须于 {date}当日移交处理（第三十六条），尚未移交；当日未移交的，移交时标记为逾期。"
        }
        Key::NotifyReferralSuggested => "建议移交：{target}",
        Key::NotifyRectificationOverdueLine => {
            "问题：{finding}。整改期限 {date}已过，尚未整改作答（第三十四条）。请督促整改；拒不整改的，依第三十六条移交处理。"
        }
        Key::NotifyOfficerFindingLine => "问题：{finding}。请在工作台打开该登记查看。",
        Key::NotifyCancellationDueLine => {
            "您申报的计划完工日期是今天（{date}）。完工后 {days} 个工作日内须在线申报注销，并上传建筑废弃物处置记录（第三十三条）；今天完工的，请于 {due}前办理。请在“查询办理进度”中凭申报编号和查询码办理。尚未完工的，完工后再申报注销。"
        }
        Key::NotifyRectificationDueLine => {
            "检查发现：{finding}。整改期限为今天（{date}）。请完成整改，并在“查询办理进度”中上传整改照片和说明作答（第三十条、第三十四条）。"
        }
        Key::NotifyFindingNote => "检查记录：{note}",
        Key::NotifyFindingLine => {
            "检查发现：{finding}。请于 {date}前完成整改，并上传整改照片和说明（第三十条、第三十四条）。"
        }
        Key::NotifyEscalatedLine => {
            "街道确认现场存在重大隐患，本工程纳入高风险施工管理，街道将于 {date}前到现场检查（第三十条第（七）项）。"
        }
        Key::NotifyGreeting => "您好：",
        Key::NotifyFiling => "申报编号：{filing_no}\n街道：{street}\n当前状态：{status}",
        Key::NotifyAcceptanceDue => "街道将于 {date}前答复您的申报（第二十七条第（二）项）。",
        Key::NotifyAccessCode => {
            "查询码：{code}\n请妥善保存：凭申报编号和查询码可查询办理进度、申请延期和注销。"
        }
        Key::NotifyChanges => "请一次性补正以下全部内容后重新提交（第二十七条第（三）项）：",
        Key::NotifyChange => "· {field}：{message}",
        Key::NotifyReceipt => {
            "登记回执编号：{receipt_no}\n有效期至：{date}\n打印回执和告知书：{url}"
        }
        Key::NotifyReason => "理由：{reason}",
        Key::NotifyArticle => "依据：{article}",
        Key::NotifyExtendedTo => "有效期已延长至 {date}（第二十五条）。",
        Key::NotifyCancelledOn => "完工日期：{date}。登记已注销（第三十三条）。",
        Key::NotifyWindowOpens => {
            "登记有效期至 {date}。自 {start}起可以申请延期，须在有效期届满前提出（第二十五条）。"
        }
        Key::NotifyValidUntil => {
            "登记有效期今日（{date}）届满。仍未完工的，请重新申报；已完工的，请在完工后 3 个工作日内申报注销（第三十三条）。"
        }
        Key::NotifyFooter => "本邮件由安备系统自动发送，请勿直接回复。",
        Key::NotifyStateFiled => "待受理",
        Key::NotifyStateReturned => "已退回，待补正",
        Key::NotifyStateRegistered => "已登记",
        Key::NotifyStateExtended => "已延期",
        Key::NotifyStateRefused => "不予登记",
        Key::NotifyStateCancelled => "已注销",
        Key::NotifyStateCompletionDeclared => "已申报完工，待街道核实",
        Key::NotifyCompletionDeclared => "已申报完工",
        Key::NotifyCompletionDeclaredLine => {
            "完工日期：{date}。街道将于{due}前到现场核实完工，核实后登记注销（第三十三条）。本回执不再作为开始新施工的凭证。"
        }
        Key::NotifyStateRevoked => "已撤销",
        Key::NotifyStateExpired => "已过期",
        Key::NotAPermit => "登记是备案告知，不是行政许可；其他审批手续须另行办理（第八条）",
        Key::ScanTitle => "回执核验",
        Key::ScanManagement => "现场管理",
        Key::ScanUnderRectification => "检查发现问题，整改中",
        Key::ScanReferred => "检查发现问题，已移交处理",
        Key::PrintedDraftNotice => {
            "本登记依据的规则集按细则征求意见稿编制（规则版本见上）；细则正式文本施行后，按正式文本管理。"
        }
        Key::ScanValid => "有效",
        Key::ScanValidDetail => "已登记，在有效期内（至{until}）",
        Key::ScanExtendedDetail => "已延期，在有效期内（至{until}）",
        Key::ScanExpired => "已过期",
        Key::ScanExpiredDetail => "有效期至{until}，已届满；本回执不再有效",
        Key::ScanRevoked => "已撤销",
        Key::ScanRevokedDetail => "街道办事处已于{date}撤销本登记，本回执作废",
        Key::ScanDeclared => "已申报完工",
        Key::ScanDeclaredDetail => {
            "已于{date}申报完工，待街道现场核实；本回执不再作为开始新施工的凭证"
        }
        Key::ScanCancelled => "已注销",
        Key::ScanCancelledDetail => "本登记已于{date}注销（工程已完工），本回执作废",
        Key::ScanRefused => "不予登记",
        Key::ScanRefusedDetail => "本申报未获登记，没有有效回执",
        Key::ScanPending => "未登记",
        Key::ScanPendingDetail => "尚在办理中，还没有有效回执",
        Key::ScanNotFound => "查无此回执",
        Key::ScanNotFoundDetail => "系统中没有编号为 {no} 的回执。请核对编号；二维码可能是伪造的",
        Key::ScanBadSignature => "签名无效",
        Key::ScanBadSignatureDetail => "本回执的电子签名未通过服务器核验，不能作为有效回执",
        Key::ScanStreet => "所属街道",
        Key::ScanSite => "工程地址",
        Key::ScanScope => "类别",
        Key::ScanHighRisk => "高风险",
        Key::ScanHighRiskYes => "是（高风险工程）",
        Key::ScanHighRiskNo => "否",
        Key::ScanValidUntil => "有效期至",
        Key::ScanApplicant => "申报人",
        Key::ScanContractor => "施工单位",
        Key::ScanProjectLead => "项目负责人",
        Key::ScanReceiptNo => "回执编号",
        Key::ScanFilingNo => "登记编号",
        Key::ScanCheckedAt => "核验时间",
        Key::ScanCheckedAtValue => "{date} {time}（北京时间）",
        Key::ScanSignature => "电子签名",
        Key::SigPending => "正在本机核验电子签名……（{server}）",
        Key::SigOk => "签名有效：已在本机用公布的密钥核验，回执内容未被篡改",
        Key::SigOld => "签名有效，但二维码所载为此前版本的回执（例如延期前）；以上方当前状态为准",
        Key::SigBad => "签名无效：二维码内容与电子签名不符，可能被篡改或伪造",
        Key::SigOther => "签名无效：二维码所载签名属于另一份回执，与本回执不符",
        Key::SigForged => "二维码签名无效",
        Key::SigForgedDetail => {
            "此二维码的内容被改动或伪造，不能证明已登记；下方是该编号在系统中的登记，请与现场公示核对"
        }
        Key::SigGenuineNotInForce => "回执是真实的，但已不再有效：以上方状态为准",
        Key::SigUnsupported => "本机无法核验签名，以服务器结果为准：{server}",
        Key::SigServerOk => "服务器核验签名有效",
        Key::SigServerBad => "服务器核验签名无效",
        Key::VerifyCodeNeeded => {
            "输入回执二维码旁印有的核验码，可查看工程地址、申报人等登记内容；不输入只显示回执是否存在及有效期。"
        }
        Key::VerifyCodeWrong => "核验码不正确",
        Key::VerifyCodeWrongDetail => {
            "核验码与此回执不符：请核对回执或公示材料上二维码旁印的 8 位核验码。多次输错将被暂时限制查询。"
        }
        Key::ScanCode => "核验码",
        Key::ScanCodeSubmit => "查看",
        Key::SiteCheck => "工地地址核对",
        Key::SiteCheckPending => {
            "正在核对签名所载的工地地址…（无法核对时，请直接比对上方地址与所在工地及公示材料）"
        }
        Key::SiteCheckOk => {
            "签名所载工地地址即上方“工程地址”。请核对：您所在的工地和公示材料上的地址须与之相同，否则此二维码属于另一工地。"
        }
        Key::SiteCheckBad => "签名所载的工地地址与本登记的地址不符：此二维码不属于这一登记的工地。",
        Key::SiteCheckV1 => {
            "此回执签发于地址绑定之前，其签名不含工地地址：请直接比对上方地址与所在工地及公示材料。"
        }
        Key::SiteCheckInput => "输入公示材料上印的工程地址，与签名核对：",
        Key::SiteCheckTypedOk => "与签名所载地址一致",
        Key::SiteCheckTypedBad => "与签名所载地址不一致：此二维码不属于印有该地址的工地",
        Key::AccessTokenWithheld => {
            "此申报已经提交过。超过 24 小时的重复提交不再返回访问码：请使用您保存的访问码；如已遗失，请携带身份证件到所属街道办事处，由工作人员核实身份后重新签发。"
        }
        Key::ReissueIdentityMismatch => "所填证件号码与此登记的申报人不符，未重新签发访问码。",
        Key::ReissueNotPermitted => "只有街道工作人员或区级管理员可以核实身份后重新签发访问码",
        Key::AccessTokenReissued => "访问码已由街道工作人员核实身份后重新签发，原访问码作废。",
        Key::Void => "作废",
        Key::VoidRevokedOn => "已撤销 · {date}",
        Key::VoidDeclaredOn => "已申报完工，待街道核实 · {date}",
        Key::VoidCancelledOn => "已注销 · {date}",
        Key::VoidExpiredAfter => "已过期 · 有效期至{until}",
        Key::VoidNotInForce => "未生效",
        Key::VoidBanner => {
            "本回执已作废（{what}），不能作为施工现场的有效登记凭证；扫描二维码可查询当前状态。"
        }
        Key::NotPermittedStatistics => "巡查人员账户不能查看统计，只能查看其巡查的登记",
        Key::StatsGroupBy => {
            "分组方式应为：按月（month）、按社区（community）或按作业类别（activity）"
        }
        Key::StatsFormat => "格式应为 json 或 csv",
        Key::StatsPeriodOrder => "开始日期（from）不能晚于结束日期（to）",
        Key::StatsPeriodLength => "统计期间最长 {days} 天",
        Key::PersonalDataRemoved => "保存期满，此登记中的个人信息已删除；回执签名仍可核验。",
        Key::PersonNotNamed => "此登记中没有证件号码为此号码的人员",
        Key::PersonHasNoMobile => "此人在此登记中没有手机号码（施工人员只登记姓名和证件号码）",
        Key::CorrectionEmpty => "请填写更正后的姓名或手机号码",
        Key::CorrectionPurged => "此登记的个人信息已在保存期满后删除，无可更正",
        Key::CorrectionDone => "已更正。回执签名不涉及个人信息，回执仍然有效。",
    }
}

fn state(s: State) -> &'static str {
    match s {
        State::Filed => "待受理",
        State::Returned => "已退回",
        State::Registered => "已登记",
        State::Extended => "已延期",
        State::CompletionDeclared => "已申报完工，待街道核实",
        State::Refused => "不予登记",
        State::Cancelled => "已注销",
        State::Revoked => "已撤销",
        State::Expired => "已过期",
    }
}

fn action(a: Action) -> &'static str {
    match a {
        Action::File => "申报",
        Action::Register => "快速受理",
        Action::Accept => "受理",
        Action::Return => "退回",
        Action::Resubmit => "补正后重新提交",
        Action::Refuse => "不予登记",
        Action::Extend => "延期",
        Action::DeclareCompletion => "申报完工注销",
        Action::Cancel => "完工核实后注销",
        Action::Revoke => "撤销",
        Action::Correct => "更正个人信息",
        Action::Purge => "保存期满删除个人信息",
    }
}

fn actor(a: Actor) -> &'static str {
    match a {
        Actor::Applicant => "申报人",
        Actor::Contractor => "施工单位",
        Actor::Staff(Role::Officer) => "街道工作人员",
        Actor::Staff(Role::Admin) => "区级管理员",
        Actor::Staff(Role::Community) => "社区工作站",
        Actor::Staff(Role::Property) => "物业服务企业",
        Actor::Staff(Role::Patrol) => "巡查人员",
        Actor::Staff(Role::Viewer) => "区级部门",
        Actor::System => "系统",
    }
}
