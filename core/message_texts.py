"""The words of every stable code, English and Chinese (see `core.messages` for how they are rendered).

Chinese says what was wrong and what to do, with names, never ids or codes. `{x:word}` is a thing, role or
action from `core.messages.WORDS`; `{x:role}` a role; ids are English-only placeholders.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    """One code's words in both languages."""

    en: str
    zh: str


T = Template

CATALOGUE: dict[str, Template] = {
    # --- generic answers of the API edge (api/errors.py) ---
    "error": T("The request could not be completed.", "操作未能完成，请检查后重试。"),
    "error.not_found": T("Not found.", "找不到要访问的内容：它不存在，或您无权查看。"),
    "error.forbidden": T("You may not do this.", "您没有权限执行此操作，如需办理请联系人力资源或管理员。"),
    "error.unauthenticated": T("Not authenticated; log in.", "尚未登录或登录已失效，请重新登录。"),
    "error.too_many_attempts": T("Too many attempts; wait and retry.", "尝试次数过多，请稍后再试。"),
    "error.conflict": T(
        "The request conflicts with the current state.", "与当前状态冲突，未做任何更改：请刷新页面后再试。"
    ),
    "error.invalid": T("The input is not valid.", "填写的内容不符合要求，请检查后重试。"),
    "error.unavailable": T("The server cannot do this now.", "服务器暂时无法完成此操作，请稍后重试或联系管理员。"),
    "error.too_large": T("The upload is too large.", "上传的内容过大，请拆分后重试。"),
    "http.not_found": T("No such address: {path}.", "找不到这个页面或接口，请检查地址是否正确。"),
    "http.method_not_allowed": T("This address does not accept {method}.", "此操作不被支持，请刷新页面后重试。"),
    "http.error": T("The request failed ({status}).", "请求未能完成，请刷新页面后重试。"),
    "internal_error": T(
        "An internal error occurred. It has been logged; please retry or contact support.",
        "系统内部出错，已记录下来。请稍后重试，如果仍然出错请联系管理员。",
    ),
    "request.too_large": T(
        "The request body is larger than {limit} bytes.", "提交的内容过大，超过了上限，请减少内容或拆分后重试。"
    ),
    "busy.shed": T(
        "The service is at capacity; retry after the Retry-After seconds.",
        "当前使用人数较多，系统正忙，请稍后几秒再试。",
    ),
    "busy": T("The service is busy; retry shortly.", "系统正忙，请稍后几秒再试。"),
    "busy.no_connection": T(
        "The service is at capacity (no free database connection); retry shortly.",
        "当前使用人数较多，系统正忙，请稍后几秒再试。",
    ),
    "busy.database_locked": T(
        "The database is busy with other writes; retry shortly.", "数据库正在处理其他保存操作，请稍后几秒再试。"
    ),
    "busy.database_refused": T(
        "The database refused a new connection (at its limit or restarting); retry shortly.",
        "数据库暂时无法连接（可能正在重启），请稍后再试。",
    ),
    "validation": T(
        "The request is not valid ({count} field(s)); see `errors` for each field.",
        "有 {count} 处填写不符合要求，请按提示修改后重试。",
    ),
    "bad_json": T("The request body is not valid JSON.", "提交的数据格式有误，请刷新页面后重试。"),
    # per-field validation messages (the `msg` of each entry of `errors`)
    "field.missing": T("Field required.", "此项必填。"),
    "field.text_too_short": T("At least {min_length} characters.", "至少需要 {min_length} 个字符。"),
    "field.too_few": T("At least {min_length} items.", "至少需要 {min_length} 项。"),
    "field.text_too_long": T("At most {max_length} characters.", "最多 {max_length} 个字符。"),
    "field.too_many": T("At most {max_length} items.", "最多 {max_length} 项。"),
    "field.above": T("Must be greater than {gt}.", "须大于 {gt}。"),
    "field.at_least": T("Must be at least {ge}.", "不能小于 {ge}。"),
    "field.below": T("Must be less than {lt}.", "须小于 {lt}。"),
    "field.at_most": T("Must be at most {le}.", "不能大于 {le}。"),
    "field.not_a_number": T("Not a number.", "请填写数字。"),
    "field.not_an_integer": T("Not a whole number.", "请填写整数。"),
    "field.not_a_date": T("Not a valid date.", "请填写有效的日期。"),
    "field.not_a_bool": T("Not yes or no.", "请选择是或否。"),
    "field.not_text": T("Not text.", "请填写文字。"),
    "field.not_a_choice": T("Not one of the allowed values.", "请从可选项中选择。"),
    "field.pattern": T("Not in the expected format.", "格式不正确。"),
    "field.not_a_list": T("Not a list.", "格式不正确，应为多个值。"),
    "field.unexpected": T("This field is not expected.", "不应填写此项。"),
    "field.invalid": T("Not valid.", "填写的内容不正确。"),
    # --- common refusals (workflows/shared, api/deps) ---
    "not_found": T("{thing:Word} not found.", "找不到该{thing:word}：它不存在，或您无权查看。"),
    "role_refused": T(
        "Your role ({role:role}) may not {action:word}.",
        "您的角色（{role:role}）无权{action:word}。如确需办理，请联系人力资源或管理员。",
    ),
    "duplicate": T(
        "A {thing:word} with the same key already exists, or it names something that does not exist.",
        "保存失败：已有相同的{thing:word}，或引用的内容不存在。请刷新后检查再试。",
    ),
    "stale_version": T(
        "The {thing:word} changed since you read it; load it again.",
        "{thing:word}在您查看后已被他人修改，请刷新页面，查看最新内容后再修改。",
    ),
    "if_match_required": T(
        "This update needs the version you last read (If-Match).", "保存前需要先读取最新内容，请刷新页面后再试。"
    ),
    "if_match_unknown": T("The version sent is not one this server issued.", "版本信息无效，请刷新页面后再试。"),
    "already_closed": T(
        "The {thing:word} is already decided or closed; it cannot be changed now.",
        "该{thing:word}已处理或已关闭，不能再修改。",
    ),
    "already_decided": T(
        "The {thing:word} was already decided by {by}; it cannot be changed now.",
        "该{thing:word}已由{by}处理，不能再修改，请刷新页面查看结果。",
    ),
    "idempotency.running": T(
        "The same request is still running; retry later.", "同一个请求仍在处理中，请稍后再查看结果。"
    ),
    "idempotency.reused": T(
        "This request key was already used for a different request.", "此请求已提交过不同的内容，请刷新页面后重新提交。"
    ),
    "update_empty": T("The update names no field to change.", "没有需要保存的修改。"),
    "auth.required": T("Not authenticated; log in.", "请先登录。"),
    "auth.invalid_token": T("Your login has expired; log in again.", "登录已过期，请重新登录。"),
    "auth.wrong_credentials": T("Wrong username or password.", "用户名或密码不正确。"),
    "auth.demo_password_refused": T(
        "The demo password is refused outside demo mode.", "演示密码只能在演示模式下使用，请联系管理员重置您的密码。"
    ),
    "auth.account_gone": T(
        "This account no longer exists or was disabled.", "此账号已不存在或已被停用，如有疑问请联系管理员。"
    ),
    "auth.password_changed": T(
        "The password was changed since you logged in; log in again.", "密码已修改，请用新密码重新登录。"
    ),
    "csrf_missing": T(
        "The page's security check failed; reload the page and try again.", "页面安全校验失败，请刷新页面后重试。"
    ),
    # --- workflows ---
    "no_employee_record": T(
        "Your login is not linked to an employee record.", "您的账号没有关联员工档案，请联系人力资源关联后再查看。"
    ),
    "not_yours_to_change": T(
        "Not among the records you may change: nobody sets their own KPIs, targets or actuals.",
        "您不能修改这条记录：任何人都不能设置自己的指标、目标或实际值，请由上级或人力资源处理。",
    ),
    "field_not_null": T("{field} cannot be empty.", "有一项必填内容被清空了，请填写后再保存。"),
    "anomalies.no_period": T(
        "No ended period with KPIs yet: nothing to check.", "还没有已结束且有指标数据的考核期，暂时无需检查异常。"
    ),
    "course.unknown_refs": T(
        "The course names unknown skills, KPIs or departments.", "课程中填写的技能、指标或部门不存在，请从列表中选择。"
    ),
    "checkin.outside_period": T(
        "Check-ins are posted while the KPI's period runs (and the week after it).",
        "只能在指标所在考核期内（及结束后一周内）发布进展更新。",
    ),
    "cycle.extension_too_late": T(
        "An extension ends before the lock day.", "延期的截止日期必须早于结果锁定日，请选择更早的日期。"
    ),
    "cycle.nobody_matches": T(
        "Nobody of this cycle matches.", "本评估周期中没有符合条件的人员，请检查所选人员或部门。"
    ),
    "cycle.rubric_order": T(
        "Rubric levels go from the lowest value to the highest, each value once.",
        "评分标准的等级须按分值从低到高排列，且每个分值只能出现一次。",
    ),
    "cycle.grade_required": T("A change names the new grade.", "调整等级时请选择新的等级。"),
    "cycle.extension_needs_people": T(
        "Name the people or the team to extend the stage for.", "请选择要延期的人员或团队。"
    ),
    "cycle.no_self_assessment": T("This cycle has no self-assessment.", "本评估周期不包含自评环节。"),
    "cycle.self_assessment_invalid": T(
        "{count} entries of the self-assessment cannot be taken.", "自评中有 {count} 处内容无法保存，请按提示修改。"
    ),
    "cycle.appeal_own_kpis": T(
        "An appeal names the person's own KPIs of the period.", "申诉只能针对本人在该考核期的指标，请重新选择。"
    ),
    "cycle.departments_required": T("Name the departments of the cycle.", "请选择参加本次评估的部门。"),
    "cycle.nobody_on_cadence": T(
        "Nobody of this population is reviewed on the cadence of period {period_en}.",
        "所选人员中没有人按“{period_zh}”的周期考核，请检查所选范围或考核期。",
    ),
    "cycle.stage_dates_order": T(
        "Stage dates must follow each other: self-assessment <= manager review <= calibration <= publish <= "
        "last day to appeal < lock.",
        "各阶段日期须依次排列：自评、上级评估、校准、发布、申诉截止，最后才是锁定日。",
    ),
    "draft.edits_invalid": T(
        "{count} edits do not fit the draft; nothing was changed.",
        "有 {count} 处修改与草案不符，未做任何更改，请按提示修改。",
    ),
    "draft.breaks_guards": T(
        "The edited draft breaks {count} rule(s); nothing was changed.",
        "修改后的草案违反了 {count} 条规则，未做任何更改，请按提示修改。",
    ),
    "draft.company_okrs_unusable": T(
        "The company OKRs of this period cannot be drafted.",
        "无法根据本期公司 OKR 生成草案：请先由人力资源完善公司目标中可量化的关键结果。",
    ),
    "draft.department_not_in_catalogue": T(
        "Department {department_en} matches no catalogue department, so the assistant cannot draft for it.",
        "“{department_zh}”没有对应的标准部门类型，助手无法为它生成草案，请联系人力资源设置部门类型。",
    ),
    "draft.llm_settings_invalid": T(
        "The assistant's language model settings are invalid.", "智能助手的模型设置有误，请联系管理员检查设置。"
    ),
    "draft.already_published": T(
        "A goal draft was already published for this department and period.",
        "该部门本期的目标草案已经发布过了，请在已发布的指标上修改。",
    ),
    "draft.kpi_already_assigned": T(
        "A KPI assignment already gives one of these KPIs for this period.",
        "本期已有相同的指标被分配，请先修改或关闭现有指标，再发布草案。",
    ),
    "draft.no_longer_valid": T(
        "The stored draft no longer passes the guards; ask for a new draft.",
        "保存的草案已不再符合规则，请重新生成草案。",
    ),
    "draft.published_meanwhile": T(
        "The goal draft was published by someone else at the same moment; reload it.",
        "该草案刚刚已被他人发布，请刷新页面查看结果。",
    ),
    "forecast.no_shops": T(
        "You plan for no shop; ask HR to link your department to its shops.",
        "您的部门还没有关联店铺，请联系人力资源将部门与店铺关联。",
    ),
    "forecast.period_in_past": T(
        "That period has no days after the stored sales history; pick a current or future period.",
        "该考核期已在销售历史数据之内，无需预测，请选择当前或未来的考核期。",
    ),
    "forecast.no_chart_yet": T("The forecast has no chart yet.", "预测尚未完成，暂时没有图表，请稍后刷新。"),
    "forecast.shop_not_in_job": T("The shop is not in this forecast.", "这次预测不包含该店铺，请选择其他店铺。"),
    "forecast.no_history": T(
        "No sales history is stored for the chosen shops; import sales first.",
        "所选店铺还没有销售历史数据，请先导入销售数据。",
    ),
    "forecast.short_history": T(
        "Only {days} days of sales history; at least {needed} are needed for a target range.",
        "销售历史只有 {days} 天，至少需要 {needed} 天才能给出目标区间，请先补充导入销售数据。",
    ),
    "kpi.owner_required": T("Name the owner: a person or a department.", "请选择指标的负责人或负责部门。"),
    "kpi.unknown_indicator": T("Unknown indicator.", "指标库中没有这个指标，请从列表中选择。"),
    "kpi.target_range_order": T(
        "Target range must satisfy low <= target <= high.", "目标区间须满足：下限 ≤ 目标值 ≤ 上限，请调整后再保存。"
    ),
    "kpi.as_of_outside_period": T(
        "The date is outside the period ({start} to {end}).", "日期须在考核期内（{start} 至 {end}），请重新选择。"
    ),
    "period.end_before_start": T("A period must not end before it starts.", "考核期的结束日期不能早于开始日期。"),
    "okr.unknown_parent_kr": T(
        "A key result names a parent that does not exist.", "关键结果所对应的上级关键结果不存在，请重新选择。"
    ),
    "okr.owner_both": T("Give either a person or a department, not both.", "负责人和负责部门只能选一个。"),
    "okr.owner_mismatch": T(
        "The objective's level needs the matching owner.",
        "目标层级与负责对象不符：公司目标不选负责人，部门目标选部门，个人目标选员工。",
    ),
    "import.missing_columns": T(
        "{filename}: missing column(s) {columns}.",
        "文件“{filename}”缺少必需的列：{columns}。请按模板补齐表头后重新导入。",
    ),
    "import.bad_rows": T(
        "{filename}: {count} bad row(s), the first at {first_en}; nothing was imported.",
        "文件“{filename}”有 {count} 行数据有误（第一处：{first_zh}），未导入任何数据。请按每行的提示修改后重新导入。",
    ),
    "import.no_rows": T("{filename} has a header but no rows.", "文件“{filename}”只有表头，没有数据行。"),
    "import.duplicate_kpi_day": T(
        "{filename} lists the same KPI and day twice.",
        "文件“{filename}”中同一指标同一天出现了两次，请每个指标每天只保留一行。",
    ),
    "import.duplicate_shop_day": T(
        "{filename} lists the same shop and day twice.",
        "文件“{filename}”中同一店铺同一天出现了两次，请每个店铺每天只保留一行。",
    ),
    # --- one row of an import file (workflows/imports/parse.py ValueProblem): where, then what and what to do ---
    "import.at.line": T("line {line}", "第 {line} 行"),
    "import.at.row": T("sheet {sheet}, row {row}", "工作表“{sheet}”第 {row} 行"),
    "import.at.column": T(", column {column}", "“{column}”列"),
    "import.value.not_a_date": T(
        "{value_en} is not a date; write 2024-05-07, 2024/5/7 or 2024年5月7日",
        "“{value_zh}”不是日期，请写成 2024-05-07、2024/5/7 或 2024年5月7日。",
    ),
    "import.value.no_such_day": T(
        "{value_en} is not a day of the calendar", "“{value_zh}”不是日历上存在的日期，请检查月份和日期。"
    ),
    "import.value.not_a_moment": T(
        "{value_en} is not a date-time; write 2024-05-07 23:59:30",
        "“{value_zh}”不是日期时间，请写成 2024-05-07 23:59:30。",
    ),
    "import.value.no_such_time": T(
        "{value_en} has no such time of day", "“{value_zh}”中的时刻不存在：小时为 0 到 23，分和秒为 0 到 59。"
    ),
    "import.value.too_large": T("{value_en} is larger than {limit}", "“{value_zh}”数值过大，请检查是否多写了位数。"),
    "import.value.not_an_amount": T(
        "{value_en} is not an amount; write 1234.50 or 1,234.50", "“{value_zh}”不是金额，请写成 1234.50 或 1,234.50。"
    ),
    "import.value.not_a_count": T(
        "{value_en} must be a whole number of zero or more", "“{value_zh}”须为 0 或正整数，请修改。"
    ),
    "import.value.not_a_period": T(
        "期间 {value_en} is not a period; write 2025-07, 2025-Q3 or 2025",
        "期间“{value_zh}”无法识别，请写成 2025-07（月）、2025年第3季度 或 2025（年）。",
    ),
    "import.value.weight_range": T(
        "权重 {value_en} must be between 0 and 100 (percent)", "权重“{value_zh}”须在 0 到 100 之间（百分数）。"
    ),
    "import.value.unknown_employee": T(
        "unknown 工号 {value_en}; import the org chart first", "工号“{value_zh}”不存在，请先导入组织架构。"
    ),
    "import.value.own_row": T(
        "this row is yours: nobody imports their own results (separation of duties)",
        "这一行是您本人的数据：不能导入自己的业绩结果，请交由其他同事导入。",
    ),
    "import.value.unknown_indicator": T(
        "unknown 指标 {value_en} (by code or name)", "指标“{value_zh}”不存在，请填写指标库中的指标编码或名称。"
    ),
    "import.value.unknown_department": T(
        "unknown 部门 {value_en} (a path like 运营中心/天猫运营部, or a code)",
        "部门“{value_zh}”不存在，请填写部门路径（如 运营中心/天猫运营部）或部门编码。",
    ),
    "import.value.period_not_ended": T(
        "期间 {period} has not ended; history is of past periods",
        "期间 {period} 尚未结束：历史数据只能导入已结束的期间。",
    ),
    "import.value.no_order_id": T("订单编号 is empty", "订单编号为空，请填写。"),
    "import.value.order_twice": T("订单编号 {order} appears twice", "订单编号 {order} 出现了两次，请删除重复的行。"),
    "import.value.day_twice": T(
        "{shop} {day} appears twice", "店铺 {shop} 的 {day} 出现了两次，每个店铺每天只保留一行。"
    ),
    "import.value.unknown_shop": T(
        "unknown shop {value_en}; add it under 店铺 first", "店铺“{value_zh}”不存在，请先在“店铺”页面添加。"
    ),
    "import.bad_day": T(
        "{shop} {day}: outside {earliest} to {today} (sales are history)",
        "店铺 {shop} 的日期 {day} 不在 {earliest} 至 {today} 之间：销售数据只能是已经发生的日期，请检查。",
    ),
    "import.value.share_range": T(
        "{what} {value_en} must be between 0 and 100%", "{what}“{value_zh}”须在 0% 到 100% 之间。"
    ),
    "import.value.unknown_promo_shop": T(
        "unknown 店铺 {value_en}; use a shop's code or name, or 全部",
        "店铺“{value_zh}”不存在，请填写店铺编码或名称，或填“全部”。",
    ),
    "import.value.unknown_promo_kind": T(
        "活动类型 {value_en} is not one of 大促/店庆/直播专场/新品首发",
        "活动类型“{value_zh}”无法识别，请填写 大促、店庆、直播专场 或 新品首发。",
    ),
    "import.value.end_before_start": T("结束日期 is before 开始日期", "结束日期早于开始日期，请检查。"),
    "import.value.no_promo_name": T("活动名称 is empty", "活动名称为空，请填写。"),
    "import.value.no_department": T("部门 is empty", "部门为空，请填写部门路径（如 运营中心/天猫运营部）。"),
    "import.value.no_code_or_name": T("工号 and 姓名 are required", "工号和姓名都必须填写。"),
    "import.value.unknown_role": T(
        "角色 {value_en} is not one of 员工/经理/HR/管理员",
        "角色“{value_zh}”无法识别，请填写 员工、经理、HR 或 管理员。",
    ),
    "import.value.unknown_status": T(
        "状态 {value_en} is not 在职 or 离职", "状态“{value_zh}”无法识别，请填写 在职 或 离职。"
    ),
    "import.duplicate_code": T(
        "工号 {code} repeats {first_en}", "工号 {code} 重复，第一次出现在{first_zh}，每人只保留一行。"
    ),
    "import.unknown_manager": T(
        "直属主管工号 {manager} exists nowhere", "直属主管工号 {manager} 在文件和系统中都不存在，请检查。"
    ),
    "import.manager_loop": T(
        "{code}'s manager line loops back to them", "员工 {code} 的直属主管关系绕回了本人，请检查直属主管工号。"
    ),
    "import.value.not_a_plain_number": T(
        "{column_en} {value_en} is not a plain number; write e.g. 1234.5 "
        "(a dot for decimals, no thousands separators or decimal commas)",
        "“{value_zh}”不是普通数字，请写成 1234.5 这样的格式（小数用点号，不加千位分隔符）。",
    ),
    "import.value.not_finite": T(
        "{column_en} must be a finite number of at most {limit}", "数值过大，请检查是否多写了位数。"
    ),
    "import.value.not_a_whole_count": T(
        "{column_en} {value_en} must be a whole number of zero or more", "“{value_zh}”须为 0 或正整数，请修改。"
    ),
    "import.value.count_too_large": T("{column_en} must be at most {limit}", "数值过大，请检查是否多写了位数。"),
    "import.value.not_an_iso_date": T(
        "{column_en} {value_en} is not a date; write YYYY-MM-DD",
        "“{value_zh}”不是日期，请写成 2024-05-07（年-月-日）。",
    ),
    "import.value.not_a_calendar_date": T(
        "{column_en} {value_en} is not a date of the calendar", "“{value_zh}”不是日历上存在的日期，请检查月份和日期。"
    ),
    "import.value.day_outside": T(
        "{column_en} {day} is outside {earliest} to {latest}", "日期 {day} 不在 {earliest} 至 {latest} 之间，请检查。"
    ),
    "import.value.unknown_employee_code": T(
        "unknown employee_code {value_en}", "工号“{value_zh}”不存在，或不在您可管理的范围内。"
    ),
    "import.value.own_actuals": T(
        "{code} is you: nobody imports their own actuals (separation of duties)",
        "工号 {code} 是您本人：不能导入自己的实际值，请交由其他同事导入。",
    ),
    "import.value.no_assignment": T(
        "{code} has no KPI {indicator_en} in period {period_en}; create the assignment first",
        "工号 {code} 在考核期“{period_zh}”没有指标“{indicator_zh}”，请先为其设置该 KPI 指标。",
    ),
    "import.value.measured_from_sales": T(
        "{indicator} of {code} is measured from sales data; "
        "enter a different value with a reason ({route}) and HR decides",
        "工号 {code} 的指标 {indicator} 由销售数据计算：如需采用其他数值，请填写更正并说明理由，由人力资源决定。",
    ),
    "import.value.period_locked": T(
        "period {period} is locked: its actuals are final (HR can reopen)",
        "考核期 {period} 已锁定，实际值已定稿；如需修改请联系人力资源重新开放。",
    ),
    "import.value.not_a_flag": T(
        "{column_en} {value_en} is not a yes/no value (use 1/0)", "“{value_zh}”不是“是/否”值，请填 1（是）或 0（否）。"
    ),
    "import.value.unknown_shop_code": T("unknown shop_code {value_en}", "店铺编码“{value_zh}”不存在，请先添加店铺。"),
    "import.value.negative_sales": T(
        "sales must not be negative (record refunds separately)", "销售额不能为负数，退款请单独记录。"
    ),
    "import.value.unreadable": T("{detail_en}", "这一行的内容无法读取，请对照模板检查。"),
    "import.value.unreadable_csv": T(
        "{detail_en}", "这一行无法读取（可能有过长的内容或非法字符），请检查修改这一行后重新导入。"
    ),
    "import.value.missing_columns": T("missing {missing_en}", "缺少列：{missing_zh}。请按模板补齐表头后重新导入。"),
    "import.mapping.no_column": T(
        "the file has no column {column_en}", "文件中没有“{column_zh}”这一列，请检查列映射。"
    ),
    "import.mapping.unknown_field": T(
        "{field_en} is not one of {fields}", "“{field_zh}”不是可以对应的字段，请在列映射中重新选择。"
    ),
    "import.mapping.two_to_one": T(
        "two columns are mapped to one field", "有两列对应到了同一个字段，请让每个字段只对应一列。"
    ),
    "import.mapping.unmapped": T(
        "no column is mapped to {fields_en}", "还有必需的字段没有对应到文件中的列，请在列映射中补上。"
    ),
    "import.too_many_people": T(
        "{filename}: more than {limit} people.", "文件“{filename}”的人数超过 {limit} 人，请确认是否选错了文件。"
    ),
    "actual.hr_decides": T(
        "Only HR decides which value of a KPI measured from sales counts.",
        "由销售数据计算的指标采用哪个数值，只能由人力资源决定。",
    ),
    "org.no_company": T(
        "No company exists yet; load one first.", "还没有设置公司信息，请先导入组织架构或完成公司设置。"
    ),
    "auth.own_password_elsewhere": T(
        "Change your own password on the password page.", "请在“修改密码”页面修改自己的密码（需要输入当前密码）。"
    ),
    "users.invalid": T("The user cannot be created as given.", "无法按所填内容创建账号，请按提示修改。"),
    "users.last_admin": T(
        "This is the last active admin: make someone else admin first.",
        "这是最后一个在用的管理员账号：请先把其他人设为管理员，再修改此账号。",
    ),
    "pay.allocation_invalid": T("The edited allocation cannot be stored.", "修改后的奖金分配无法保存，请按提示修改。"),
    "pay.waits_for_reviews": T(
        "The allocation depends on {count} scores under review; decide those reviews first.",
        "有 {count} 项评分复核尚未处理，奖金分配依赖这些评分，请先处理复核。",
    ),
    "pay.sum_mismatch": T(
        "Lines + retained = {total_yuan} yuan but the pool is {pool_yuan} yuan.",
        "分配合计与预留合计为 {total_yuan} 元，与奖金池 {pool_yuan} 元不一致，请调整后再保存。",
    ),
    "pay.no_period_to_calibrate": T("No period to calibrate: choose one.", "没有可校准的考核期，请选择一个考核期。"),
    "pay.position_rated_twice": T("A position is rated twice.", "同一岗位被评了两次，每个岗位只能评一次。"),
    "pay.unknown_positions": T("Unknown positions.", "部分岗位不存在，请刷新页面后重新选择。"),
    "pay.inventory_invalid": T(
        "The position ratings cannot be classified.", "岗位评分无法归类，请检查各项评分是否填写完整且在范围内。"
    ),
    "pay.nobody_scored": T(
        "Nobody has a score in period {period_en}: there is nothing to allocate yet.",
        "“{period_zh}”还没有人有绩效得分，暂时无法分配奖金。",
    ),
    "pay.pool_not_allocatable": T(
        "The pool cannot be allocated.", "奖金池无法分配：请检查奖金池金额和分配规则是否有效。"
    ),
    "pay.rating_not_allowed": T(
        "This {kind} rating is not allowed.",
        "您不能对此人做这类评价：自评只评自己，同事互评限本部门，上级评价限直接下属。",
    ),
    "pay.rater_not_employee": T(
        "Your login is not linked to an employee, so it cannot rate anyone.",
        "您的账号没有关联员工档案，不能评价他人，请联系人力资源关联。",
    ),
    "pay.adjustment_empty": T(
        "An adjustment names at least one person and their new score.", "调整评分时请至少填写一人及其新的得分。"
    ),
    "pay.adjustments_invalid": T("{count} adjustments cannot be made.", "有 {count} 项调整无法完成，请按提示修改。"),
    "pay.confirm_without_changes": T(
        "A confirmation keeps the scores: send no adjustments.", "“确认”会保留原有得分；如需调整，请选择“调整”。"
    ),
    "channels.duplicate_kind": T("Each channel kind may appear once.", "每种通知渠道只能设置一个。"),
    "channels.not_set_up": T(
        "No {kind} channel is set up; save it first.", "这个通知渠道还没有设置，请先保存设置再测试。"
    ),
    "export.no_chinese_font": T(
        "PDF export needs a font with Chinese glyphs and none was found.",
        "服务器缺少中文字体，暂时无法导出 PDF，请联系管理员安装中文字体。",
    ),
    "task.owner_only": T(
        "Only the KPI's owner plans and updates its tasks; comment on them instead.",
        "只有指标负责人可以安排和更新任务，您可以发表评论。",
    ),
    "task.due_outside_period": T(
        "The due date is outside the KPI's period ({start} to {end}).",
        "截止日期须在指标的考核期内（{start} 至 {end}），请重新选择。",
    ),
    "task.no_comment_to_reply": T("Nobody has commented on this task yet.", "这个任务还没有评论，暂时无需回复。"),
    "results.own_grade": T(
        "Nobody changes their own grade.", "任何人都不能修改自己的等级，请由其他人力资源同事或管理员处理。"
    ),
    "results.no_result": T(
        "This person has no result in the period, so there is no grade to change.",
        "此人本期还没有考核结果（未填写实际值），因此没有可调整的等级。",
    ),
    "audit.no_key": T("No audit key is configured.", "尚未配置审计签名密钥，请联系管理员完成配置。"),
    "audit.chain_broken": T(
        "The audit chain is not intact; nothing was sealed.", "审计记录不完整，未进行封存，请联系管理员从备份恢复。"
    ),
    "audit.signatures_lost": T(
        "The audit chain lost signatures it once had; nothing was sealed.",
        "审计记录缺失了原有的签名，未进行封存，请联系管理员从备份恢复。",
    ),
    "weights.changed_meanwhile": T(
        "The department's weights changed at the same moment; reload the proposal.",
        "该部门的权重刚刚被他人修改，请刷新权重方案后再试。",
    ),
    "weights.decided_meanwhile": T(
        "The weight proposal was decided by someone else at the same moment.",
        "该权重方案刚刚已被他人审批，请刷新页面查看结果。",
    ),
    "weights.edits_invalid": T(
        "The edited weights break the proposal's constraints.",
        "修改后的权重不符合方案的限制（如上下限、合计），请调整后再保存。",
    ),
    "weights.nothing_to_start_from": T(
        "Department {department_en} has no weight set and no KPI assignments to start from.",
        "“{department_zh}”还没有权重，也没有分配指标，请先给部门分配指标。",
    ),
    "weights.no_proposal": T(
        "No proposal for department {department_en}.",
        "暂时无法为“{department_zh}”生成权重方案：历史数据不足或不符合要求，请补充部门业绩和指标历史后再试。",
    ),
    "outcomes.duplicate_period": T("Each period may appear once.", "每个考核期只能填写一次。"),
    "outcomes.unknown_period": T("Unknown period.", "所选考核期不存在，请刷新页面后重新选择。"),
    "outcomes.changed_meanwhile": T(
        "Outcomes of this department changed at the same moment; send them again.",
        "该部门的业绩刚刚被他人修改，请刷新后重新提交。",
    ),
    # --- forecast job status (workflows/forecasts/runner.py) ---
    "forecast.done": T(
        "{count} target range(s); models: {models}.",
        "预测已完成，共给出 {count} 个目标区间（保守、基准、冲刺）。",
    ),
    "forecast.done_widened": T(
        "{count} target range(s); models: {models}; intervals widened for {widened_en}: their backtests missed "
        "the nominal coverage.",
        "预测已完成，共给出 {count} 个目标区间。{widened_zh}的历史回测误差偏大，区间已相应放宽，设定目标时请留出余地。",
    ),
    "forecast.failed": T(
        "The forecast failed: {reason}",
        "预测未能完成：请检查所选店铺的销售数据是否完整，然后重新运行；如仍失败请联系管理员。",
    ),
    "forecast.internal_error": T(
        "Internal error while forecasting; it was logged.", "预测过程中系统出错，已记录下来，请稍后重新运行。"
    ),
    "forecast.note": T("{text}", "预测状态已更新，请查看目标区间。"),
}
