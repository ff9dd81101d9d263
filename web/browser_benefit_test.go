package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserBenefit: a caseworker opens an unemployment benefit claim
// from the person page for a relation the employer ended; the form asks
// no date, and the claim shows the registration date read from the
// employment services' record. Once approved and paid for February, the
// caseworker records on the registration two refusals of
// suitable work (2026-02-10 and -20); the second stops the benefit
// (Art. 51(5)) from its day, which the claim shows with its ground, each
// payment with its medical contribution; what February paid for the days
// from the 20th on is an overpayment, and the caseworker records its
// repayment once per receipt.
func TestBrowserBenefit(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	bc := newBenefitCase(t, city)
	un, ended, reg := bc.person, bc.ended, bc.reg
	bs := newBrowserSession(t, exe, "benefit-")
	ctx, run, text := bs.ctx, bs.run, bs.text
	base := city.srv.URL

	// 1. the claim from the person page: no date asked, the registration's read
	run("person",
		chromedp.Navigate(base+"/persons/"+itoa(un.ID)),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		loaded,
		chromedp.SendKeys(chromedp.CSS("#username"), "cw402"),
		chromedp.SendKeys(chromedp.CSS("#password"), city.password),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#unemployment-claim-form")),
		loaded,
	)
	if n := bs.eval(`document.querySelectorAll('#unemployment-claim-form input[type=date], #unemployment-claim-form input[name=registered_on]').length`); n != 0 {
		t.Errorf("the claim form asks a date (%d fields)", n)
	}
	if got := text("#claim-registration-hint"); !strings.Contains(got, "无需填写日期") {
		t.Errorf("the form does not say the registration is read: %q", got)
	}
	run("claim-opened",
		chromedp.SetValue(chromedp.CSS("#claim-employment"), itoa(ended.ID)),
		chromedp.SendKeys(chromedp.CSS(`#unemployment-claim-form input[name=prior_months]`), "60"),
		chromedp.Click(chromedp.CSS("#claim-open-unemployment")),
		chromedp.WaitVisible(chromedp.CSS("#claim-registered")),
		loaded,
	)
	want := fmt.Sprintf("%d年%d月%d日", reg.Registered.Y, reg.Registered.M, reg.Registered.D)
	if got := text("#claim-registered"); got != want {
		t.Errorf("the claim shows registration %q, want %q read from the record", got, want)
	}
	if got := text("#claim-registration-link"); got != "#"+itoa(reg.ID) {
		t.Errorf("the claim names registration %q, want #%d", got, reg.ID)
	}
	claimURL, _ := chromedp.Run(ctx, chromedp.Location())
	cl := bc.approveAndPay(t, city)

	// 2. two refusals of suitable work recorded on the registration
	run("registration",
		chromedp.Click(chromedp.CSS("#claim-registration-link")),
		chromedp.WaitVisible(chromedp.CSS("#refusal-form")),
		loaded,
	)
	for i, day := range []string{"2026-02-10", "2026-02-20"} {
		run("refusal-"+day,
			chromedp.SetValue(chromedp.CSS("#refusal-offer"), "work"),
			chromedp.SetValue(chromedp.CSS("#refusal-date"), day),
			chromedp.SendKeys(chromedp.CSS("#refusal-note"), fmt.Sprintf("仓库管理员岗位第%d次介绍，无正当理由拒绝", i+1)),
			chromedp.Click(chromedp.CSS("#refusal-submit")),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#refusals tbody tr:nth-child(%d)", i+1))), // the page after this one
			chromedp.WaitVisible(chromedp.CSS("#refusal-recorded")),
			loaded,
		)
	}
	if got := text("#refusals table"); !strings.Contains(got, "2026年2月20日") || !strings.Contains(got, "适当工作") {
		t.Errorf("the refusals listed: %q", got)
	}

	// 3. the claim stopped from the day of the second, on Art. 51(5)
	run("claim-stopped",
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible(chromedp.CSS("#claim-stop-ground")),
		loaded,
	)
	if got := text("#claim-status"); got != "已停发" {
		t.Errorf("status %q", got)
	}
	if got := text("#claim-stop-ground"); !strings.Contains(got, "社会保险法第五十一条第五项") {
		t.Errorf("stop ground %q", got)
	}
	if got := text("#claim-stop-date"); got != "2026年2月20日" {
		t.Errorf("stop date %q", got)
	}
	pays, err := city.ins.ClaimPayments(sysCtx, cl.ID)
	if err != nil || len(pays) == 0 || pays[0].Medical <= 0 {
		t.Fatalf("payments: %+v %v", pays, err)
	}
	if got := text("#claim-payments"); !strings.Contains(got, zhMoney(pays[0].Medical)) || !strings.Contains(got, "代缴医疗保险费") {
		t.Errorf("the payments do not show the medical contribution %s: %q", pays[0].Medical, got)
	}

	// 4. the overpayment and its repayment, once per receipt
	run("overpayments",
		chromedp.Click(chromedp.CSS("#claim-overpaid a")),
		chromedp.WaitVisible(chromedp.CSS(".recovery-form")),
		loaded,
	)
	overs, err := city.ins.Overpayments(sysCtx, un.ID)
	if err != nil || len(overs) != 1 {
		t.Fatalf("overpayments: %+v %v", overs, err)
	}
	o := overs[0]
	row := fmt.Sprintf("#overpayment-%d", o.ID)
	for _, step := range []string{"recovery", "recovery-again"} {
		run(step,
			chromedp.SendKeys(chromedp.CSS(row+" .recovery-amount"), "1.00"),
			chromedp.SendKeys(chromedp.CSS(row+" .recovery-reference"), "SJ-2026-0001"),
			chromedp.Click(chromedp.CSS(row+" .recovery-submit")),
			chromedp.WaitVisible(chromedp.CSS(map[string]string{"recovery": "#recovery-recorded", "recovery-again": "#error"}[step])),
			loaded,
		)
	}
	if got := text("#error"); !strings.Contains(got, "同一收据只登记一次") {
		t.Errorf("the receipt recorded twice: %q", got)
	}
	if got := text(row + " .outstanding"); got != zhMoney(o.Outstanding()-100) {
		t.Errorf("outstanding %q, want %s after one repayment of 1.00", got, zhMoney(o.Outstanding()-100))
	}
	bs.checkConsole()
}
