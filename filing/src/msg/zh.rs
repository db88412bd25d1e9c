//! 简体中文。
use super::Msg;

pub fn text(m: &Msg) -> String {
    match m {
        Msg::Required => "必填，请填写此项。".into(),
        Msg::NoWorkers => "至少填写一名施工人员。".into(),
        Msg::TooManyWorkers { max } => format!("施工人员最多 {max} 人。"),
        Msg::NotAnObject => "应为对象。".into(),
        Msg::NotAString => "应为文本。".into(),
        Msg::NotAnArray => "应为数组。".into(),
        Msg::UnknownKey(k) => format!("不认识的字段“{k}”。"),
        Msg::TooLong { max, got } => format!("不能超过 {max} 个字符（现为 {got} 个）。"),
        Msg::ControlCharacter => "含有控制字符或不可见格式字符。".into(),
        Msg::IdFormat => "身份证号码应为 18 位（前 17 位为数字，末位为数字或 X）。".into(),
        Msg::IdRegion => "身份证号码的行政区划代码无效。".into(),
        Msg::IdBirthDate => "身份证号码中的出生日期无效。".into(),
        Msg::IdChecksum => "身份证号码校验位不对，请核对。".into(),
        Msg::CreditFormat => {
            "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。".into()
        }
        Msg::CreditRegion => "统一社会信用代码第 3—8 位应为行政区划代码。".into(),
        Msg::CreditChecksum => "统一社会信用代码校验码不对，请核对。".into(),
        Msg::Mobile => "手机号码应为 11 位中国大陆手机号（以 13—19 开头）。".into(),
        Msg::Date => "应为有效日期（年-月-日）。".into(),
        Msg::StartBeforeToday => "应先登记后开工：计划开工日期不能早于今天（第九条）。".into(),
        Msg::EndBeforeStart => "计划完工日期不能早于计划开工日期。".into(),
        Msg::Street(s) => format!("不是龙岗区的街道代码：{s}。"),
        Msg::StreetMismatch(s) => format!("与自查答案中的街道（{s}）不一致。"),
        Msg::Operation { allowed } => format!("特种作业类别应为 {}。", allowed.join("、")),
        Msg::Uncovered { operation } => format!(
            "作业涉及特种作业（{}），须至少列出一名持相应特种作业操作证的人员（第十一条第（二）项、第十三条第（六）项）。",
            operation.zh
        ),
        Msg::CertificateExpired { until, on } => {
            format!("特种作业操作证有效期至 {until}，计划开工日（{on}）已失效。")
        }
        Msg::Lang => "语言应为 zh-CN 或 en。".into(),
        Msg::DocumentCode(k) => format!("不是材料代码：{k}。"),
        Msg::UploadId => "应为上传文件编号（sha256:…）。".into(),
        Msg::UnknownUpload => "未找到该上传文件，请重新上传。".into(),
        Msg::MissingDocument { title, article } => {
            format!("请上传：{}（{article}）。", title.zh)
        }
        Msg::PledgeNotAffirmed => {
            "请阅读安全生产承诺书并勾选承诺（第二十七条第（四）项、第二十八条第（三）项）。".into()
        }
        Msg::PledgeVersion(v) => format!("不认识的承诺书版本：{v}，请重新阅读并承诺。"),
        Msg::NotAFiling => "申报内容应为 JSON 对象。".into(),
        Msg::FactsJson(e) => format!("事实数据有误：{e}"),
        Msg::MissingFact(q) => format!("尚需回答：{}", q.zh),
        Msg::Other { text, .. } => text.zh.clone(),
    }
}
