package msg

// supportTexts word the support programmes' reasons: why a grant is due
// (support.eligible.*, with the formula's part, support.reason.*) or not
// (support.refused.*), and the target groups they name. Their arguments
// are text (rules.Reason keeps them as a map of strings in the
// database); a placeholder {name:kind} writes its argument by kind (see
// Render).
var supportTexts = []entry{
	{"support.open_ended", "长期", "open-ended"},
	{"support.group.graduate_of_year", "当年高校毕业生", "graduates of the year"},
	{"support.group.graduate_of_year.help", "在入职（或见习、创业）当年毕业", "graduated in the calendar year of the hire (internship, business)"},
	{"support.group.recent_graduate", "离校未就业高校毕业生", "unemployed graduates"},
	{"support.group.recent_graduate.help", "离校规定年限内，且离校后未曾就业", "within the set years after leaving school, not employed since"},
	{"support.group.graduate", "高校毕业生", "graduates"},
	{"support.group.graduate.help", "毕业规定年限内", "within the set years after graduation"},
	{"support.group.unemployed_youth", "登记失业青年", "unemployed young people"},
	{"support.group.unemployed_youth.help", "入职（或见习）时已登记失业，年龄在规定范围内", "registered as unemployed at the hire (internship) and within the set ages"},
	{"support.group.registered_unemployed", "登记失业人员", "registered unemployed"},
	{"support.group.registered_unemployed.help", "入职（或创业）时已登记失业", "registered as unemployed at the hire (start)"},
	{"support.group.employment_difficulty", "就业困难人员", "persons with employment difficulties"},
	{"support.group.employment_difficulty.help", "已登记失业，且达到规定年龄或登记失业满规定月数", "registered as unemployed and either old enough or registered long enough"},
	{"support.eligible.graduate_of_year", "当年毕业的高校毕业生（{graduated:date}毕业）", "a graduate of the year (graduated {graduated:date})"},
	{"support.eligible.recent_graduate", "离校{years}年内未就业的高校毕业生（{graduated:date}离校）", "a graduate not yet employed within {years} years of leaving school (left {graduated:date})"},
	{"support.eligible.graduate", "毕业{years}年内的高校毕业生（{graduated:date}毕业）", "a graduate within {years} years of graduating (graduated {graduated:date})"},
	{"support.eligible.unemployed_youth", "登记失业青年（{age}岁，{registered:date}起登记失业）", "a registered unemployed young person (aged {age}, registered since {registered:date})"},
	{"support.eligible.registered_unemployed", "登记失业人员（{registered:date}起登记失业）", "registered as unemployed since {registered:date}"},
	{"support.eligible.employment_difficulty", "就业困难人员（{age}岁，{registered:date}起登记失业）", "a person with employment difficulties (aged {age}, registered unemployed since {registered:date})"},
	{"support.eligible.loan", "符合贷款条件：额度不超过{max:money}，期限不超过{term}个月", "within the programme's terms: at most {max:money} for at most {term} months"},
	{"support.eligible.loan_enterprise", "小微企业符合贷款条件：近12个月新招用{hires}人（职工{staff}人），额度不超过{max:money}", "a small enterprise within the terms: {hires} hires in the last 12 months for {staff} staff; at most {max:money}"},
	{"support.eligible.loan_month", "贷款 #{loan} {period:month}贴息：利息{interest:money}，借款人承担{borrower:money}，财政贴息{subsidy:money}", "loan #{loan}, {period:month}: interest {interest:money}, the borrower's share {borrower:money}, subsidy {subsidy:money}"},
	{"support.reason.job_expansion", "已足额缴费{paid}个月", "{paid} months paid in full"},
	{"support.reason.startup_subsidy", "已持续经营{ran}个月", "the business has run {ran} months"},
	{"support.reason.internship", "按见习{months}个月计", "for {months} months of internship"},
	{"support.reason.hiring_insurance", "补贴{months}个月的单位缴费", "the employer's contributions of {months} months"},
	{"support.refused.group", "不属于本项目的适用人群（{groups:groups}）", "not in the programme's target groups ({groups:groups})"},
	{"support.refused.claim_closed", "本项目已于{claim_until:date}截止认定", "the programme stopped finding grants on {claim_until:date}"},
	{"support.refused.dates", "{event:date}的事件不在本项目的适用期间（{from:date}至{until:date}）", "the event of {event:date} is outside the programme's dates ({from:date} to {until:date})"},
	{"support.refused.paid_months", "足额缴费{paid}个月，须满{need}个月", "{paid} months paid in full; {need} needed"},
	{"support.refused.first_business", "不是首次创业（此前已有灵活就业参保记录）", "not a first business (an earlier self-employed enrolment is on record)"},
	{"support.refused.run_months", "已经营{ran}个月，须满{need}个月", "the business has run {ran} months; {need} needed"},
	{"support.refused.allowance", "见习生活补助{allowance:money}低于当地最低工资标准{minimum_wage:money}", "the living allowance {allowance:money} is below the minimum wage {minimum_wage:money}"},
	{"support.refused.internship_months", "见习{months}个月，须满{need}个月", "{months} months of internship; {need} needed"},
	{"support.refused.insurance", "未参加{insurance:insurance}保险", "not enrolled in {insurance:insurance} insurance"},
	{"support.refused.loan_principal", "贷款金额{principal:money}超过上限{max:money}", "the principal {principal:money} is above the limit of {max:money}"},
	{"support.refused.loan_term", "期限{term}个月超过上限{max}个月", "the term of {term} months is above the limit of {max} months"},
	{"support.refused.loan_hires", "近12个月新招用{hires}人，未达到职工{staff}人的{share:rate}", "{hires} hires in the last 12 months: below {share:rate} of the {staff} staff"},
}
