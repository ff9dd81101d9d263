package web

// queueCatalogue is the job queue's texts on the runs screen
// (ui_runs.go): the section, its columns, each kind and state.
var queueCatalogue = [][3]string{
	{"queue.title", "作业队列（所有服务器）", "Jobs of the queue (every server)"},
	{"queue.help", "月度核定和关账、待遇发放、滞纳金计收、主动发现、补贴发放和就业服务同步都在队列中运行：由任一服务器领取、只运行一次，进度和结果记在数据库中，任一服务器都可查看。", "Monthly runs and closes, benefit and grant payment runs, the late fee billing, the proactive scan and the employment sync run through the queue: claimed by any one server, run once, their progress and outcome kept in the database and shown by every server."},
	{"queue.kind", "作业", "Job"},
	{"queue.progress", "进度", "Progress"},
	{"queue.attempts", "尝试", "Attempts"},
	{"queue.worker", "执行者", "Worker"},
	{"queue.created_by", "提交人", "Queued by"},
	{"queue.error", "失败原因", "Why it failed"},
	{"queue.kind.assessment", "月度核定", "Monthly assessment"},
	{"queue.kind.period_close", "月度关账", "Month's close"},
	{"queue.kind.benefit_payment_run", "待遇发放", "Benefit payment run"},
	{"queue.kind.support_scan", "补贴主动发现", "Support programmes' scan"},
	{"queue.kind.grant_payment_run", "补贴发放", "Grant payment run"},
	{"queue.kind.employment_sync", "就业服务同步", "Employment services' sync"},
	{"queue.kind.late_fees", "计收滞纳金", "Late fee billing"},
	{"queue.kind.pension_recompute", "暂定养老金重核筛查", "Provisional pensions' recomputation scan"},
	{"queue.state.queued", "排队中", "queued"},
	{"queue.state.running", "运行中", "running"},
	{"queue.state.succeeded", "已完成", "succeeded"},
	{"queue.state.failed", "失败", "failed"},
}
