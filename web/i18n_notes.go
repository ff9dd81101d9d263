package web

// notesCatalogue is the texts of the first round's loose ends (issue 12):
// the income and arrears screen (ui_income.go), the citizens' job fairs
// (ui_fairs_citizen.go) and the second factor's rules over the API.
var notesCatalogue = [][3]string{
	{"nav.income", "征缴与欠费", "Income and arrears"},
	{"income.title", "征缴收入与欠费", "Contribution income and arrears"},
	{"income.from", "起始所属期", "From period"},
	{"income.to", "截止所属期", "To period"},
	{"income.all_divisions", "全部区县", "All divisions"},
	{"income.by_payer_kind", "按缴费主体分列", "By kind of payer"},
	{"income.show", "查询", "Show"},
	{"income.help", "按区县、所属期（及缴费主体）汇总的征收单：应缴、实缴、未缴；欠费为截至 %s 已过缴费期限仍未缴的金额及征收单数，不含滞纳金。只含汇总数，不含任何单位或个人。", "Bills summed by division and period (and kind of payer): billed, paid, outstanding; arrears are what is still owed of the bills past their due date on %s, and how many bills owe it, late fees not included. Totals only: no employer or person in them."},
	{"income.period", "所属期", "Period"},
	{"income.payer_kind", "缴费主体", "Payer"},
	{"income.kind.employer", "用人单位", "Employers"},
	{"income.kind.flexible", "灵活就业人员", "Flexible workers"},
	{"income.bills", "征收单", "Bills"},
	{"income.persons", "人月", "Person-months"},
	{"income.billed", "应缴", "Billed"},
	{"income.paid", "实缴", "Paid"},
	{"income.outstanding", "未缴", "Outstanding"},
	{"income.due_date", "缴费期限", "Due"},
	{"income.arrears", "欠费", "Arrears"},
	{"income.in_arrears", "欠费征收单", "Bills in arrears"},
	{"income.overpaid", "多缴", "Overpaid"},
	{"income.total", "合计", "Total"},
	{"income.none", "所选期间没有征收单。", "No bills in the periods chosen."},
	{"rule.income.from", "请填写起始所属期（YYYY-MM）。", "Give the first period (YYYY-MM)."},
	{"rule.income.to", "请填写截止所属期（YYYY-MM）。", "Give the last period (YYYY-MM)."},
	{"rule.income.range", "所属期范围不正确（截止不得早于起始，最多120个月）。", "The periods are not a valid range (the last not before the first, at most 120 months)."},

	{"rule.auth.totp_session", "双重验证只能在登录会话中开启或关闭，不能使用API令牌。", "A second factor is set up or removed from a signed-in session, not with an API token."},
	{"rule.totp.not_active", "尚未开启双重验证。", "No second factor is active."},
}
