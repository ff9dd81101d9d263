package web

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// TestCatalogue checks that every text key the templates name, and every
// key built from an enumeration, is in the catalogue (in both languages,
// which the catalogue's one-row-per-key shape guarantees; a template may
// name a key of the rules' catalogue, rules/msg, which has its own test).
func TestCatalogue(t *testing.T) {
	lit := regexp.MustCompile(`\.T "([^"]+)"`)
	files, _ := fs.Glob(uiTemplates, "ui/templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(uiTemplates, f)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if !(lang{langEN}).Has(m[1]) { // the screens' catalogue, or the rules' (rules/msg)
				t.Errorf("%s: no text %q", f, m[1])
			}
		}
	}
	var keys []string
	for _, r := range access.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, e := range registry.EducationLevels {
		keys = append(keys, "education."+string(e))
	}
	for _, i := range registry.AllInsurances {
		keys = append(keys, "insurance."+string(i))
	}
	for _, s := range []registry.Separation{registry.SepResignation, registry.SepContractEnd, registry.SepDismissed, registry.SepEmployerFault,
		registry.SepMutual, registry.SepEmployerGone, registry.SepRetired, registry.SepDeceased} {
		keys = append(keys, "separation."+string(s))
	}
	for _, c := range []rules.Category{rules.Male, rules.Female55, rules.Female50} {
		keys = append(keys, "category."+string(c))
	}
	for _, c := range []string{rules.Verified, rules.Supported, rules.Unverified} {
		keys = append(keys, "confidence."+c)
	}
	for _, k := range []string{"pending", "approved", "rejected", "stopped", "exhausted"} {
		keys = append(keys, "claim.status."+k)
	}
	for _, k := range []string{"legacy", "assessed"} {
		keys = append(keys, "statement.source."+k)
	}
	for _, k := range []string{"input", "parameter", "value", "note"} {
		keys = append(keys, "trace."+k)
	}
	for _, k := range keys {
		if !(lang{langEN}).Has(k) {
			t.Errorf("no text %q", k)
		}
	}
	// one place per text: no key of the screens' catalogue is also the
	// rules' (rules/msg), which the screens read too
	for k := range textEN {
		if msg.Has(k) {
			t.Errorf("%s is in both the screens' catalogue and rules/msg: keep one", k)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	for _, c := range []struct{ accept, cookie, want string }{
		{"", "", langZH},
		{"en-US,en;q=0.9", "", langEN},
		{"fr-FR, zh-CN;q=0.8, en;q=0.5", "", langZH},
		{"fr, en-GB;q=0.7", "", langEN},
		{"en", "zh-CN", langZH},
		{"zh", "en", langEN},
		{"zh", "klingon", langZH},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", c.accept)
		if c.cookie != "" {
			r.Header.Set("Cookie", langCookie+"="+c.cookie)
		}
		if got := langOf(r).Code; got != c.want {
			t.Errorf("Accept-Language %q, cookie %q: %s, want %s", c.accept, c.cookie, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	zh, en := lang{langZH}, lang{langEN}
	for _, c := range []struct{ got, want string }{
		{zh.Money(301770), "3,017.70 元"}, {en.Money(123456789), "¥1,234,567.89"}, {en.Money(-5), "¥-0.05"},
		{zh.Date(period.Date{Y: 2026, M: 3, D: 1}), "2026年3月1日"}, {en.Date(period.Date{Y: 2026, M: 3, D: 1}), "1 Mar 2026"},
		{zh.Month(period.New(2025, 8)), "2025年8月"}, {en.Month(period.New(2025, 8)), "Aug 2025"},
		{zh.Age(63*12 + 3), "63岁3个月"}, {en.Age(60 * 12), "60 years"},
		{zh.Division("330402"), "南湖区"}, {en.Division("330000"), "Zhejiang"},
		{en.Error(fault.Invalidf("resident_id", "resident_id.check_character", "x")), "Resident ID number: The check character of the resident ID number is wrong."},
		{zh.Error(fault.Invalidf("resident_id", "resident_id.check_character", "x")), "公民身份号码：公民身份号码校验码不正确。"},
		{zh.Error(fault.Invalidf("x", "no.such.rule", "bad x")), "输入有误：x: bad x"},
		{en.Error(fault.NotFoundf("person 7 not found")), "No such record, or it is outside what you may see."},
		{zh.Error(errPlain{}), "系统内部错误，详情见服务器日志。"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

type errPlain struct{}

func (errPlain) Error() string { return "secret detail" }
