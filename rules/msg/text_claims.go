package msg

// claimTexts word why a benefit claim stopped (claim.stop.*,
// insurance/benefit_stop.go): the Art. 51 event with its source record
// and rule, then the months carried over and the money still owed, paid
// too much or to reclaim.
var claimTexts = []entry{
	{"claim.stop.event", "{ground}，自{day}起停发（{source}，{rule}）", "{ground} from {day} ({source}, {rule})"},
	{"claim.stop.carried", "未领取的{months}个月保留至再次失业时领取", "{months} unused months carry over"},
	{"claim.stop.final_due", "{period}事件日前的天数应发{amount}元，由下次发放补发", "{amount} owed for the days of {period} before it, paid by the next run"},
	{"claim.stop.overpaid", "{day}起多发的{amount}元须抵扣或追回", "{amount} paid for days from {day} on is to be netted or recovered"},
	{"claim.stop.medical", "{period}以后月份已缴的医疗保险费{amount}元须从医疗保险基金追回", "medical contributions {amount} paid for months after {period} are to be reclaimed from the medical insurance fund"},
	{"claim.stop.ground.reemployed", "重新就业", "re-employed"},
	{"claim.stop.ground.military", "应征服兵役", "called up for military service"},
	{"claim.stop.ground.emigration", "移居境外", "settled abroad"},
	{"claim.stop.ground.pension", "享受基本养老保险待遇", "draws a basic pension"},
	{"claim.stop.ground.refused_work", "无正当理由拒不接受适当工作或者培训", "refused suitable work or training without good reason"},
}
