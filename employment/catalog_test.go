package employment

import (
	"errors"
	"strings"
	"testing"

	"hrss/rules/fault"
)

func TestDemoCatalogIsLabelled(t *testing.T) {
	c := DemoCatalog()
	if len(c.Occupations()) < 80 || len(c.Skills()) < 100 {
		t.Fatalf("%d occupations, %d skills", len(c.Occupations()), len(c.Skills()))
	}
	for _, o := range c.Occupations() {
		if o.Source != DemoSource {
			t.Fatalf("%v is not labelled demo", o)
		}
	}
}

func TestParseOccupationsReportsRowAndColumn(t *testing.T) {
	in := "code,name_zh,name_en\n2-02-10-09,人工智能工程技术人员,AI engineer\n2-02-10,缺一级,x\n9-01-01-01,大类错,x\n2-02-10-09,重复,x\n3-01-02-01,,x\n"
	_, err := ParseOccupations(strings.NewReader(in), "full.csv")
	var list fault.List
	if !errors.As(err, &list) || len(list) != 4 {
		t.Fatalf("got %v", err)
	}
	want := []struct {
		row       int
		col, rule string
	}{{3, "code", "occupation.code"}, {4, "code", "occupation.code"}, {5, "code", "occupation.unique"}, {6, "name_zh", "occupation.name"}}
	for i, w := range want {
		if list[i].Row != w.row || list[i].Col != w.col || list[i].Rule != w.rule {
			t.Errorf("error %d: %+v, want row %d column %s rule %s", i, list[i], w.row, w.col, w.rule)
		}
	}
	occs, err := ParseOccupations(strings.NewReader("# comment\ncode\tname_zh\n1-01-00-01\t中国共产党机关负责人\n"), "tsv")
	if err != nil || len(occs) != 1 || occs[0].NameEN != "" || occs[0].Source != "tsv" {
		t.Fatalf("tsv: %v %v", occs, err)
	}
	if _, err := ParseOccupations(strings.NewReader("name_zh\nx\n"), "x"); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("missing column: %v", err)
	}
}

func TestParseSkills(t *testing.T) {
	s, err := ParseSkills(strings.NewReader("code,name_zh,weight\ngo,Go语言,3\nexcel,表格,\n"), "v")
	if err != nil || len(s) != 2 || s[0].Weight != 3 || s[1].Weight != 2 || s[1].NameEN != "表格" {
		t.Fatalf("%+v %v", s, err)
	}
	_, err = ParseSkills(strings.NewReader("code,name_zh,weight\nGo!,x,1\nok,x,9\n"), "v")
	var list fault.List
	if !errors.As(err, &list) || len(list) != 2 || list[0].Rule != "skill.code" || list[1].Col != "weight" {
		t.Fatalf("%v", err)
	}
}

func TestProximity(t *testing.T) {
	k := func(s string) occKey { return OccupationCode(s).key() }
	cases := []struct {
		a, b string
		p    Proximity
	}{{"2-02-10-09", "2-02-10-09", SameOccupation}, {"2-02-10-09", "2-02-10-03", SameMinor}, {"2-02-10-09", "2-02-07-01", SameMedium},
		{"2-02-10-09", "2-05-08-01", SameMajor}, {"2-02-10-09", "6-25-04-01", Unrelated}}
	for _, c := range cases {
		if got := proximityOf(k(c.a), k(c.b)); got != c.p {
			t.Errorf("%s ~ %s: %d, want %d", c.a, c.b, got, c.p)
		}
	}
}

// FuzzParseOccupations: any file is refused with Invalid errors naming a
// row or accepted whole, never a panic.
func FuzzParseOccupations(f *testing.F) {
	f.Add("code,name_zh\n2-02-10-09,人工智能工程技术人员\n")
	f.Add("code\tname_zh\tname_en\n1-01-00-01\tx\ty\n")
	f.Add("\xef\xbb\xbfcode,name_zh\n\"2-02\n")
	f.Fuzz(func(t *testing.T, s string) {
		occs, err := ParseOccupations(strings.NewReader(s), "fuzz")
		if err == nil {
			for _, o := range occs {
				if _, ok := packOcc(string(o.Code)); !ok || o.NameZH == "" {
					t.Fatalf("accepted %+v", o)
				}
			}
			return
		}
		var list fault.List
		if !errors.As(err, &list) && fault.KindOf(err) != fault.Invalid {
			t.Fatalf("error %v is neither a list nor Invalid", err)
		}
	})
}

// FuzzParseOccupationCode: the parser accepts exactly D-DD-DD-DD with a
// major category 1-8.
func FuzzParseOccupationCode(f *testing.F) {
	for _, s := range []string{"2-02-10-09", "9-00-00-00", "2-2-10-09", "", "8-99-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseOccupationCode("code", s)
		if err != nil {
			return
		}
		if len(c) != 10 || c[0] < '1' || c[0] > '8' || c.key() == 0 {
			t.Fatalf("accepted %q", s)
		}
	})
}
