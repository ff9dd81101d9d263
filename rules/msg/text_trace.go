package msg

// traceTexts word the lines of a trace (line.*), how each value is
// computed and each note (trace.*), and the reasons of a decision
// (reason.*).
var traceTexts = []entry{
	{"line.input", "输入 {label}（{name}）= {value}", "input     {name} = {value}"},
	{"line.parameter", "参数 {label}（{name}）= {value}  [{jurisdiction}，{from}起，{confidence}；{reference}]", "parameter {name} = {value}  [{jurisdiction}, from {from}, {confidence}; {reference}]"},
	{"line.value", "计算 {label}（{name}）= {value}（{rule}）", "value     {name} = {value}  ({rule})"},
	{"line.value_bare", "计算 {label}（{name}）= {value}", "value     {name} = {value}"},
	{"line.note", "说明 {rule}", "note      {rule}"},

	{"trace.programme", "项目 {code}：{name_zh}（{reference}，{confidence}）", "programme {code}: {name_en} ({reference}, {confidence})"},
	{"trace.times_minimum_wage", "{ratio} × 最低工资 {wage}（第{tier}档），四舍五入到分", "{ratio} × minimum wage {wage} (tier {tier}), half-up to the fen"},

	{"trace.contribution.wage_lag", "{period} 的缴费基数按 {wage_at} 时有效的社会平均工资确定（提前{lag}个月）", "bases for {period} use the average wage in force on {wage_at} ({lag} months earlier)"},
	{"trace.contribution.times_avg", "{avg} × {ratio}，四舍五入到分", "{avg} × {ratio}, half-up to the fen"},
	{"trace.contribution.explicit_floor", "适用明确规定的缴费基数下限（浙江省低于60%的过渡下限）", "explicit floor in force (Zhejiang's transition below 60%)"},
	{"trace.contribution.clamp", "工资 {wage} 限定在 [{floor}，{ceiling}] 之间", "wage {wage} clamped to [{floor}, {ceiling}]"},
	{"trace.contribution.line", "{base} × {rate}，四舍五入到分", "{base} × {rate}, half-up to the fen"},
	{"trace.contribution.line_work_injury", "{base} × {rate}（第{class}类行业基准费率 {class_rate} × 浮动费率 {float}），四舍五入到分", "{base} × {rate} (class {class} base rate {class_rate} × float {float}), half-up to the fen"},
	{"trace.contribution.line_flexible", "{base} × {rate}（灵活就业人员），四舍五入到分", "{base} × {rate} (flexible worker), half-up to the fen"},
	{"trace.contribution.employer_total", "单位各险种缴费之和", "sum of the employer lines"},
	{"trace.contribution.individual_total", "个人各险种缴费之和", "sum of the individual lines"},
	{"trace.contribution.flexible", "灵活就业人员：仅缴纳养老保险，全部由个人缴纳；灵活就业人员医疗保险另行参保，此处不计算；失业保险和工伤保险不适用", "flexible worker: pension only, all paid by the person; medical insurance as a flexible worker is a separate enrolment not computed here; unemployment and work injury do not apply"},
	{"trace.contribution.account_credit", "{base} × {rate} 记入个人账户，四舍五入到分", "{base} × {rate} to the personal account, half-up to the fen"},

	{"trace.account.balance", "最后一年的年末余额", "closing balance of the last year"},
	{"trace.account.year", "年初 {opening} + 记账 {credits} + 利息 {interest}（记账利率 {rate}，{months}个月）", "opening {opening} + credits {credits} + interest {interest} (rate {rate}, {months} months)"},
	{"trace.account.provisional", "暂定：{year}年记账利率尚未公布，暂按{from}年利率 {rate} 计算", "provisional: no crediting rate for {year} is published; the {from} rate {rate} is used"},

	{"trace.account.months_elapsed", "{retire}起领取养老金：本年此前已过的月数", "pension from {retire}: the months of the year elapsed before it"},
	{"trace.account.interest_to_date", "(年初 {opening} × {rate} + 本年记账 {credits} × {rate} × 计息系数 / 2) × {months} / 12，四舍五入到分；年中退休按本年已过月数计息（RULES.md §2，未经核实）", "(opening {opening} × {rate} + credits {credits} × {rate} × factor / 2) × {months} / 12, half-up to the fen; a pension started mid-year takes interest for the months elapsed (RULES.md §2, unverified)"},
	{"trace.account.no_months_elapsed", "自1月起领取养老金：本年无已过月数，不计本年利息", "pension from January: no month of the year has elapsed, no interest of the year"},
	{"trace.account.at_retirement", "年初余额 + 本年记账 + 本年截至退休的利息", "opening + the year's credits + the year's interest to retirement"},

	{"trace.divisor.table", "{age}周岁的表列数值", "table value for age {age}"},
	{"trace.divisor.interpolated", "{lo} + ({hi} - {lo}) × {months} / 12，四舍五入到0.1（在整岁之间插值）", "{lo} + ({hi} - {lo}) × {months} / 12, half-up to 0.1 (interpolation between whole ages)"},

	{"trace.pension.age", "退休月份 - 出生月份", "retire month - birth month"},
	{"trace.pension.account", "{balance} / {divisor}，四舍五入到分", "{balance} / {divisor}, half-up to the fen"},
	{"trace.pension.total", "合计 {sum}，见分进角", "sum {sum} rounded up to the next 0.1 yuan (见分进角)"},
	{"trace.pension.base_input", "计发基数按输入值：{base}", "calculation base given as input: {base}"},
	{"trace.pension.provisional", "暂定：{year}年计发基数尚未公布，暂按{from}年基数 {base} 计算，公布后重新核定", "provisional: the {year} calculation base is not published; the {from} base {base} is used and the pension will be recomputed"},
	{"trace.pension.basic", "{base} × (1 + {index}) / 2 × {years} × {rate} = {x}，四舍五入到分", "{base} × (1 + {index}) / 2 × {years} × {rate} = {x}, half-up to the fen"},
	{"trace.pension.no_transitional", "1998年以前无缴费年限或视同缴费年限", "no contribution or deemed years before 1998"},
	{"trace.pension.transitional", "{base} × {index} × {years} × {rate} = {x}，四舍五入到分", "{base} × {index} × {years} × {rate} = {x}, half-up to the fen"},
	{"trace.pension.adjustment", "{fixed} + {index} × {years} × {per} = {x}，四舍五入到分", "{fixed} + {index} × {years} × {per} = {x}, half-up to the fen"},
	{"trace.pension.subsidy", "固定金额", "flat amount"},

	{"trace.recompute.decided", "按已公布的计发基数重新核定（原暂定为 {old}）", "recomputed with the published calculation base (provisional: {old})"},
	{"trace.recompute.adjusted", "{year}年基本养老金调整：{prev} × (1 + {rate})，见分进角（原为 {old}）", "yearly adjustment {year}: {prev} × (1 + {rate}), rounded up to the next 0.1 yuan (见分进角); was {old}"},
	{"trace.recompute.month", "应发 {due} − 已发 {paid}", "due {due} − paid {paid}"},
	{"trace.recompute.difference", "{months}个已发放月份之和；各金额均以分计（月养老金见分进角），差额精确到分，不再舍入", "sum over the {months} months paid; every amount is in fen (each monthly pension rounded up to 0.1 yuan, 见分进角), so the difference is exact and not rounded again"},
	{"trace.recompute.back_pay", "补发 {amount}，随下一次养老金发放单列一行支付", "back pay {amount}, paid with the next pension payment as a line of its own"},
	{"trace.recompute.recovery", "多发 {amount}，从此后的养老金发放中抵扣", "overpaid {amount}, netted against the next pension payments"},

	{"trace.retirement.original_age", "{category}的原法定退休年龄（国发〔1978〕104号）", "the original statutory age that defines {category} (国发〔1978〕104号)"},
	{"trace.retirement.statutory_age", "原退休年龄 {original} + {delay}个月", "original age {original} + {delay} months"},
	{"trace.retirement.retire_month", "出生月份 + 法定退休年龄", "birth month + statutory age"},
	{"trace.retirement.no_reform", "{at} 时2024年渐进式延迟退休改革尚未施行：不延迟", "the 2024 retirement-age reform is not in force on {at}: no delay"},
	{"trace.retirement.delay", "i = 自{first}至出生月份的{i}个月；i < 0 时为0，否则为 min(floor(i / {step}) + 1, {max})", "i = {i} months from {first} to the birth month; 0 if i < 0, else min(floor(i / {step}) + 1, {max})"},
	{"trace.retirement.earliest", "出生月份 + max(法定退休年龄 - {early}个月, 原退休年龄)；须已达到最低缴费年限", "birth + max(statutory age - {early} months, original age); only if the minimum contribution period is met"},
	{"trace.retirement.latest", "出生月份 + 法定退休年龄 + {late}个月，须与单位协商一致", "birth + statutory age + {late} months, by agreement with the employer"},
	{"trace.retirement.no_minimum", "{month}退休的最低缴费年限未编入规则", "no minimum contribution period is encoded for retirement in {month}"},
	{"trace.retirement.min_contribution", "{year}年退休适用", "for retirement in {year}"},

	{"trace.unemployment.max_months", "min(缴费满{years}年对应的{table}个月 + 结转{carried}个月, {cap})", "min({table} months for {years} whole contribution years + {carried} carried, {cap})"},
	{"trace.unemployment.until_retirement", "延长至法定退休月份 {retire} 的前一个月：{months}个月在{end}结束，距退休不足{within}个月", "extended to the month before the statutory retirement month {retire}: the {months} months end in {end}, less than {within} months before it"},

	{"trace.loan.borrower_rate", "合同利率 {contract} 与 LPR {lpr} − {below} 两者中的较低者", "the lesser of the contract rate {contract} and LPR {lpr} − {below}"},
	{"trace.loan.subsidy_rate", "合同利率 − 借款人承担利率", "contract rate − borrower rate"},
	{"trace.loan.hires_needed", "{share} × 职工人数 {staff}", "{share} × staff {staff}"},
	{"trace.loan.subsidy", "应贴息利息 {interest} × 贴息比例 {share}（贷款第{year}年，逾期：{default}），四舍五入到分", "subsidised interest {interest} × share {share} (loan year {year}, default {default}), half-up to the fen"},

	{"trace.support.amount_per_hire", "{param}：每招用一人、足额缴费满{months}个月后给予的固定金额", "{param}: a fixed amount per hire once {months} months are paid in full"},
	{"trace.support.months_run", "自创业之日起至本次筛查或参保结束的整月数", "whole months from the start to the scan or the end of the enrolment"},
	{"trace.support.amount_run", "{param}：经营满规定期限后给予的固定金额", "{param}: a fixed amount once the business has run long enough"},
	{"trace.support.months_served", "{months}个月 × {monthly}（实际见习月数，最多{max}个月）", "{months} months × {monthly} (months served, at most {max})"},
	{"trace.support.hiring_insurance", "前{months}个已缴费月份中单位缴纳的养老、医疗和失业保险费（最多{max}个月）", "the employer's pension, medical and unemployment parts of the first {months} paid months (at most {max})"},

	{"reason.unemployment.eligible", "符合条件（《社会保险法》第四十五条）：已缴费{months}个月（不少于{min}个月），非因本人意愿中断就业，已进行失业登记", "eligible (社会保险法 Art. 45): contributed {months} months (at least {min}), involuntary separation, registered as unemployed"},
	{"reason.unemployment.not_eligible", "不符合条件（《社会保险法》第四十五条）", "not eligible (社会保险法 Art. 45)"},
	{"reason.unemployment.months", "已缴费{months}个月，不足{min}个月", "contributed {months} months, fewer than {min}"},
	{"reason.unemployment.voluntary", "属于本人意愿中断就业", "employment did not end against the person's will"},
	{"reason.unemployment.registered", "未进行失业登记并有求职要求", "not registered as unemployed and seeking work"},
}

// wordTexts are the words arguments and lists are written with.
var wordTexts = []entry{
	{"word.true", "是", "yes"},
	{"word.false", "否", "no"},
	{"sep.lead", "：", ": "},
	{"sep.list", "；", "; "},
	{"sep.items", "、", ", "},
	{"insurance.pension", "养老", "pension"},
	{"insurance.medical", "医疗", "medical"},
	{"insurance.unemployment", "失业", "unemployment"},
	{"insurance.work_injury", "工伤", "work injury"},
	{"confidence.verified", "已核实", "verified"},
	{"confidence.supported", "有依据", "supported"},
	{"confidence.unverified", "待核实", "unverified"},
	{"category.male", "男职工", "men"},
	{"category.female-55", "原法定退休年龄55周岁的女职工", "women whose original age was 55"},
	{"category.female-50", "原法定退休年龄50周岁的女职工", "women whose original age was 50"},
}
