"""The pages' words in Chinese (first) and English.

The portal serves Chinese users first; English is one click away and the
choice is remembered in a cookie. Only interface text lives here: records keep
their own languages and are shown in the chosen one where they have it.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response

from mappings.vocabularies import subject_label

UiLang = Literal["zh", "en"]
LANGS: tuple[UiLang, ...] = ("zh", "en")
COOKIE = "sn_lang"

TEXT: dict[str, tuple[str, str]] = {
    "site": ("国家科技资源共享网 · 资源目录", "National S&T Resource Portal · Catalogue"),
    "tagline": (
        "检索各国家科学数据中心与生物种质和实验材料资源库的资源目录",
        "Search the catalogues of the national science data centres and resource centres",
    ),
    "skip": ("跳到正文", "Skip to content"),
    "nav_search": ("检索", "Search"),
    "nav_operator": ("平台运行", "Operators"),
    "nav_centre": ("中心看板", "Centre"),
    "switch": ("English", "中文"),
    "switch_label": ("切换语言", "Switch language"),
    "search_label": ("检索词", "Search terms"),
    "search_placeholder": ("例如：土壤、冰川、rice、CSTR 标识", "e.g. 土壤, glacier, rice, a CSTR"),
    "search_button": ("检索", "Search"),
    "results_title": ("检索结果", "Search results"),
    "results_count": ("共 {total} 条记录", "{total} records"),
    "no_results": ("没有找到匹配的记录。", "No records match."),
    "filters": ("筛选", "Filters"),
    "active_filters": ("已选条件", "Active filters"),
    "clear_filters": ("清除全部筛选", "Clear all filters"),
    "remove_filter": ("移除筛选", "Remove filter"),
    "sort_label": ("排序", "Sort by"),
    "sort_relevance": ("相关度", "Relevance"),
    "sort_newest": ("最新", "Newest"),
    "sort_oldest": ("最早", "Oldest"),
    "sort_title": ("题名", "Title"),
    "apply": ("应用", "Apply"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "pages": ("分页", "Pages"),
    "facet_platform": ("所属平台", "Platform"),
    "facet_kind": ("资源类型", "Resource type"),
    "facet_subject": ("学科分类", "Subject"),
    "facet_keyword": ("关键词", "Keyword"),
    "facet_license": ("许可协议", "Licence"),
    "facet_access": ("共享方式", "Access"),
    "facet_year": ("年份", "Year"),
    "facet_lang": ("元数据语言", "Metadata language"),
    "kind_dataset": ("科学数据", "Dataset"),
    "kind_germplasm": ("种质资源", "Germplasm"),
    "kind_strain": ("菌（毒）种", "Strain"),
    "kind_cell_line": ("细胞系", "Cell line"),
    "kind_specimen": ("标本", "Specimen"),
    "kind_material": ("实验材料", "Material"),
    "kind_other": ("其他", "Other"),
    "access_open": ("开放共享", "Open"),
    "access_conditional": ("有条件共享", "Conditional"),
    "access_restricted": ("限制共享", "Restricted"),
    "lang_zh": ("中文", "Chinese"),
    "lang_en": ("英文", "English"),
    "record": ("资源记录", "Record"),
    "identifiers": ("标识符", "Identifiers"),
    "description": ("描述", "Description"),
    "keywords": ("关键词", "Keywords"),
    "subjects": ("学科分类", "Subjects"),
    "themes": ("主题分类", "Themes"),
    "kind": ("资源类型", "Resource type"),
    "platform": ("所属平台", "Platform"),
    "platform_site": ("平台网站", "Platform site"),
    "platform_records": ("该平台的全部资源", "All records of this platform"),
    "landing_page": ("资源链接（来源平台）", "Resource page at the platform"),
    "creators": ("创建者", "Creators"),
    "publisher": ("发布者", "Publisher"),
    "contact": ("服务机构", "Service organisation"),
    "funding": ("资助", "Funding"),
    "public_funding": ("公共财政资助", "public funding"),
    "dates": ("日期", "Dates"),
    "issued": ("发布日期", "Issued"),
    "modified": ("最近更新", "Modified"),
    "temporal": ("时间范围", "Temporal coverage"),
    "spatial": ("空间范围", "Spatial coverage"),
    "access": ("访问与共享", "Access and sharing"),
    "access_rights": ("共享级别", "Access level"),
    "access_reason": ("限制理由", "Reason for restriction"),
    "license": ("许可协议", "Licence"),
    "sharing_channel": ("共享途径", "Channel"),
    "sharing_scope": ("共享范围", "Scope"),
    "sharing_procedure": ("申请流程", "Procedure"),
    "not_stated": ("未说明", "not stated"),
    "distributions": ("获取方式", "Distributions"),
    "access_url": ("访问", "Access"),
    "download_url": ("下载", "Download"),
    "physical": ("实物资源信息", "Physical resource"),
    "accession_number": ("保藏编号", "Accession number"),
    "species": ("物种", "Species"),
    "preservation": ("保存方式", "Preservation"),
    "obtain": ("获取途径", "How to obtain"),
    "languages": ("资源语言", "Languages"),
    "citation": ("引用", "How to cite"),
    "citation_gbt": ("GB/T 7714-2015", "GB/T 7714-2015"),
    "citation_datacite": ("DataCite", "DataCite"),
    "compliance": ("合规检查", "Compliance"),
    "quality_score": ("质量评分", "Quality score"),
    "passes_rules": ("通过全部规则检查", "Passes every rule"),
    "level_error": ("错误", "Error"),
    "level_warning": ("警告", "Warning"),
    "level_info": ("提示", "Info"),
    "provenance": ("来源与采集", "Provenance"),
    "ratings": ("用户评价", "User ratings"),
    "rating_average": (
        "平均 {average} 分（{count} 条评价）",
        "{average} on average ({count} ratings)",
    ),
    "rating_none": ("暂无评价。", "No ratings yet."),
    "rate_this": ("评价此资源", "Rate this resource"),
    "rating_stars": ("评分（1–5）", "Stars (1–5)"),
    "rating_comment": (
        "评论（可选，审核后发布）",
        "Comment (optional, published after moderation)",
    ),
    "rating_submit": ("提交评价", "Submit rating"),
    "rated_approved": ("谢谢，您的评价已发布。", "Thank you: your rating is published."),
    "rated_pending": (
        "谢谢，您的评价将在审核后发布。",
        "Thank you: your rating will be published after moderation.",
    ),
    "rated_rejected": ("您的评价未通过审核。", "Your rating was not accepted by moderation."),
    "complaint": ("投诉", "Complaint"),
    "complaint_intro": (
        "该资源未按规定开放共享或信息有误？请告诉我们，中心将转交平台处理。",
        "Not shared as it should be, or wrongly described? Tell us: the centre passes "
        "complaints to the platform.",
    ),
    "complaint_category": ("问题类型", "What is wrong"),
    "complaint_text": ("具体情况", "Details"),
    "complaint_email": (
        "联系邮箱（可选，仅中心和平台可见）",
        "Your e-mail (optional, seen only by the centre and the platform)",
    ),
    "complaint_submit": ("提交投诉", "Send complaint"),
    "complaint_received": (
        "已收到您的投诉（编号 {id}），中心将转交平台处理。",
        "Your complaint (no. {id}) is received; the centre will pass it to the platform.",
    ),
    "source": ("采集源", "Source"),
    "source_identifier": ("来源标识", "Source identifier"),
    "source_datestamp": ("来源时间戳", "Source datestamp"),
    "harvested_at": ("采集时间", "Harvested"),
    "raw": ("原始元数据", "Raw metadata"),
    "formats": ("其他格式", "Other formats"),
    "resolve": ("解析", "Resolve"),
    "other_titles": ("其他题名", "Other titles"),
    "login_title": ("登录", "Log in"),
    "login_intro": (
        "请输入平台运行令牌或中心管理令牌（由 sharenet tokens create 生成）。",
        "Enter your operator or centre token (from `sharenet tokens create`).",
    ),
    "token_label": ("访问令牌", "Access token"),
    "login_button": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "logged_in_as": ("当前令牌", "Signed in with token"),
    "operator_title": ("平台运行看板", "Platform operations"),
    "choose_platform": ("选择平台", "Platform"),
    "show": ("查看", "Show"),
    "sources": ("采集源", "Sources"),
    "status": ("状态", "Status"),
    "last_run": ("最近一次采集", "Last run"),
    "next_run": ("下次计划", "Next run"),
    "records": ("记录数", "Records"),
    "harvest_now": ("立即采集", "Harvest now"),
    "runs": ("采集记录", "Harvest runs"),
    "run": ("编号", "Run"),
    "started": ("开始", "Started"),
    "finished": ("结束", "Finished"),
    "mode": ("方式", "Mode"),
    "trigger": ("触发", "Trigger"),
    "added": ("新增", "Added"),
    "updated": ("更新", "Updated"),
    "unchanged": ("未变", "Unchanged"),
    "deleted": ("删除", "Deleted"),
    "failed": ("失败", "Failed"),
    "errors": ("错误", "Errors"),
    "no_runs": ("尚未采集。", "Not harvested yet."),
    "run_errors": ("记录级错误", "Record-level errors"),
    "run_failure": ("失败原因", "Why the run failed"),
    "more_errors": ("另有 {n} 条，见 API", "{n} more: see the API"),
    "compliance_summary": ("合规概况", "Compliance summary"),
    "rule": ("规则", "Rule"),
    "level": ("级别", "Level"),
    "failing": ("未通过", "Failing"),
    "pass_rate": ("通过率", "Pass rate"),
    "failing_records": ("未通过的记录", "Failing records"),
    "failing_rule": ("未通过规则：{rule}", "Failing rule: {rule}"),
    "worst_records": ("评分最低的记录", "Lowest-scoring records"),
    "title": ("题名", "Title"),
    "score": ("评分", "Score"),
    "rules_failed": ("未通过的规则", "Rules failed"),
    "mean_score": ("平均质量评分", "Mean quality score"),
    "harvest_started": (
        "已开始采集 {source}，稍后刷新查看。",
        "Harvest of {source} started; refresh to follow it.",
    ),
    "refresh": ("刷新", "Refresh"),
    "centre_title": ("中心看板：各平台运行情况", "Centre dashboard: every platform"),
    "last_success": ("最近成功采集", "Last successful harvest"),
    "success_rate": ("采集成功率（30天）", "Harvest success (30 d)"),
    "valid_cstr": ("有效 CSTR 比例", "Valid CSTR share"),
    "fresh_90": ("90天内更新", "Modified ≤ 90 d"),
    "fresh_365": ("一年内更新", "Modified ≤ 1 y"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "trends": ("趋势（每日快照）", "Trends (daily snapshots)"),
    "chart_records": ("记录数", "Records"),
    "chart_fresh": ("一年内更新比例（%）", "Share modified within a year (%)"),
    "no_history": ("尚无每日快照。", "No daily snapshots yet."),
    "never": ("从未", "never"),
    "error_title": ("出错了", "Something went wrong"),
    "back_home": ("返回首页", "Back to the home page"),
    "back": ("返回", "Back"),
    "browse_platforms": ("按平台浏览", "Browse by platform"),
    "records_total": ("目录共收录 {total} 条资源记录", "The catalogue holds {total} records"),
    "suggestions": ("建议", "Suggestions"),
}


def chosen_lang(request: Request) -> UiLang:
    """``?lang=`` wins, then the remembered choice, then Chinese."""
    for value in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if value in LANGS:
            return "en" if value == "en" else "zh"
    return "zh"


def remember(request: Request, response: Response, lang: UiLang) -> None:
    if request.query_params.get("lang") in LANGS and request.cookies.get(COOKIE) != lang:
        response.set_cookie(
            COOKIE, lang, max_age=365 * 86400, path="/", samesite="lax", httponly=True
        )


class Translator:
    """``t("key", n=3)`` in templates; an unknown key shows itself (visible, never a crash)."""

    def __init__(self, lang: UiLang) -> None:
        self.lang = lang
        self._index = LANGS.index(lang)

    def __call__(self, key: str, **values: object) -> str:
        pair = TEXT.get(key)
        text = pair[self._index] if pair else key
        return text.format(**values) if values else text

    def label(self, facet: str, value: str) -> str:
        """A facet value as people read it (``open`` -> 开放共享, subject ``170`` -> 地球科学);
        unknown values as they are."""
        if facet == "subject":
            return subject_label(value, self.lang) or value
        key = f"{facet}_{value}"
        return self(key) if key in TEXT else value
