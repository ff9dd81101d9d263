package employment

import (
	"fmt"
	"strings"

	"hrss/registry"
	"hrss/rules/money"
)

var eduZH = map[registry.Education]string{
	registry.EduNone: "无学历", registry.EduPrimary: "小学", registry.EduJunior: "初中", registry.EduSenior: "高中/中专",
	registry.EduVocational: "大专", registry.EduBachelor: "本科", registry.EduMaster: "硕士", registry.EduDoctor: "博士",
}

// explain builds the full Match of a pair that passed the filters.
func (m *Matcher) explain(q *seekProfile, vp *vacProfile, v *Vacancy, lang string) Match {
	c, prox := m.sc.score(q, vp)
	mt := Match{VacancyID: v.ID, SeekerID: q.id, Score: c.Total(), Components: c, Personalised: true,
		MatchedSkills: []string{}, MissingSkills: []string{}}
	var gotW int64
	for i, sk := range vp.skills {
		if sk.idx >= 0 && q.has(sk.idx) {
			mt.MatchedSkills = append(mt.MatchedSkills, v.Skills[i])
			gotW += int64(sk.weight)
		} else {
			mt.MissingSkills = append(mt.MissingSkills, v.Skills[i])
		}
	}
	var en, zh []string
	add := func(nameEN, nameZH string, got, of Points, whyEN, whyZH string) {
		en = append(en, fmt.Sprintf("%s %s/%d (%s)", nameEN, got, of/100, whyEN))
		zh = append(zh, fmt.Sprintf("%s%s/%d（%s）", nameZH, got, of/100, whyZH))
	}
	oe, oz := m.occText(q, vp, v, prox)
	add("occupation", "职业", c.Occupation, m.sc.w.Occupation, oe, oz)
	se, sz := m.skillText(mt, gotW, vp.reqW, q.skillW)
	add("skills", "技能", c.Skills, m.sc.w.Skills, se, sz)
	ee, ez := eduText(q.edu, v.Education)
	add("education", "学历", c.Education, m.sc.w.Education, ee, ez)
	pe, pz := salaryText(q.salMin, v)
	add("salary", "薪资", c.Salary, m.sc.w.Salary, pe, pz)
	le, lz := m.locText(q, v.Division)
	add("location", "地点", c.Location, m.sc.w.Location, le, lz)
	add("experience", "经验", c.Experience, m.sc.w.Experience,
		fmt.Sprintf("%d years, %d asked", q.exp, v.Experience), fmt.Sprintf("%d年，要求%d年", q.exp, v.Experience))
	mt.setExplanations(fmt.Sprintf("Score %s/100 = %s.", mt.Score, strings.Join(en, " + ")),
		fmt.Sprintf("匹配度%s/100 = %s。", mt.Score, strings.Join(zh, " + ")), lang)
	return mt
}

func (m *Matcher) occText(q *seekProfile, vp *vacProfile, v *Vacancy, prox Proximity) (string, string) {
	name := string(v.Occupation)
	if o, ok := m.cat.Occupation(v.Occupation); ok {
		name = o.NameZH + " " + name
		if o.NameEN != "" {
			name = o.NameEN + " / " + name
		}
	}
	if len(q.keys) == 0 {
		return "no desired occupation given; vacancy: " + name, "未填写求职意向；岗位职业：" + name
	}
	pn := proximityNames[prox]
	if prox == Unrelated || prox == SameOccupation {
		return pn.en + ": " + name, pn.zh + "：" + name
	}
	return pn.en + " " + v.Occupation.levelCode(prox) + ": " + name, pn.zh + v.Occupation.levelCode(prox) + "：" + name
}

func (m *Matcher) skillText(mt Match, got, of, own int64) (string, string) {
	en := fmt.Sprintf("covers %d of %d required weight, uses %d of the seeker's %d", got, of, got, own)
	zh := fmt.Sprintf("覆盖岗位技能权重%d/%d，用到求职者技能权重%d/%d", got, of, got, own)
	if len(mt.MatchedSkills) > 0 {
		e, z := m.skillNames(mt.MatchedSkills)
		en, zh = en+": has "+e, zh+"：具备"+z
	}
	if len(mt.MissingSkills) > 0 {
		e, z := m.skillNames(mt.MissingSkills)
		en, zh = en+"; lacks "+e, zh+"；缺少"+z
	}
	return en, zh
}

func (m *Matcher) skillNames(codes []string) (string, string) {
	en, zh := make([]string, len(codes)), make([]string, len(codes))
	for i, c := range codes {
		en[i], zh[i] = c, c
		if s, ok := m.cat.Skill(c); ok {
			en[i], zh[i] = s.NameEN, s.NameZH
		}
	}
	return strings.Join(en, ", "), strings.Join(zh, "、")
}

func eduText(have int8, need registry.Education) (string, string) {
	h := registry.EduNone
	if have >= 0 && int(have) < len(registry.EducationLevels) {
		h = registry.EducationLevels[have]
	}
	return fmt.Sprintf("%s, %s asked", h, need), fmt.Sprintf("%s，要求%s", eduZH[h], eduZH[need])
}

func salaryText(want int64, v *Vacancy) (string, string) {
	rng := v.SalaryMin.String() + "–" + v.SalaryMax.String()
	if want == 0 {
		return "no expectation; offered " + rng, "未填期望；岗位" + rng + "元"
	}
	w := money.Fen(want).String()
	return "expects " + w + ", offered " + rng, "期望" + w + "元，岗位" + rng + "元"
}

func (m *Matcher) locText(q *seekProfile, division string) (string, string) {
	d, _ := registry.DivisionByCode(division)
	name := d.NameEN + " / " + d.Name
	switch i := divOf(division); {
	case i >= 0 && i == q.div:
		return "same division: " + name, "本地区：" + d.Name
	case i >= 0 && q.accepted&(1<<uint(i)) != 0:
		return "a division the seeker accepts: " + name, "求职者接受的地区：" + d.Name
	case i >= 0 && q.div >= 0 && m.sc.adj[q.div]&(1<<uint(i)) != 0:
		return "neighbouring division: " + name, "相邻地区：" + d.Name
	}
	return "elsewhere in Jiaxing: " + name, "嘉兴市其他地区：" + d.Name
}
