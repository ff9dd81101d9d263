package msg

// recordTexts name the records a caller updates (record.KIND), for the
// refusal of an update made on a stale read (error.record.changed, see
// access.UnchangedSince).
var recordTexts = []entry{
	{"error.record.changed", "{record} {id} 在您打开之后已被他人修改（北京时间 {at}）：请重新载入页面，在最新内容上再修改", "{record} {id} was changed by someone else at {at} Beijing time, after you opened it: reload the page and make your change on what it holds now"},
	{"record.person", "人员", "person"},
	{"record.employer", "用人单位", "employer"},
	{"record.employment", "劳动关系", "employment relation"},
	{"record.flexible_worker", "灵活就业参保登记", "flexible worker enrolment"},
	{"record.user", "用户", "user"},
	{"record.vacancy", "岗位", "vacancy"},
	{"record.seeker", "求职登记", "job-seeker registration"},
	{"record.payee", "收款账户", "payee account"},
	{"record.target", "年度目标", "target"},
	{"record.wage_declaration", "年度缴费基数申报", "yearly base declaration"},
}
