package demo

import (
	"strings"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/money"
)

// personsPerEmployer sets the number of employers: one per 20 persons.
const personsPerEmployer = 20

// employerInfo is what persons (and, later, vacancies) need of an
// employer.
type employerInfo struct {
	ind  int16   // index in industries
	div  int8    // index in residenceWeights
	kind orgKind // kind of organisation
	size float32 // relative size: the chance of being the one who hires
}

// employerPool holds every employer's info and draws employers for hires,
// in proportion to their size, by industry and division.
type employerPool struct {
	info    []employerInfo
	buckets [][]bucket // [industry][division]
	byInd   []bucket   // [industry], all divisions
	all     bucket
}

type bucket struct {
	ids []int32
	t   table
}

func makeBucket(ids []int32, size []float64) bucket {
	w := make([]float64, len(ids))
	for i, id := range ids {
		w[i] = size[id]
	}
	return bucket{ids, newTable(w)}
}

// pick returns the index of an employer of industry ind, preferably in
// division div, else anywhere, else of any industry.
func (p *employerPool) pick(s *stream, ind, div int) int {
	if b := &p.buckets[ind][div]; !b.t.empty() {
		return int(b.ids[b.t.pick(s)])
	}
	if b := &p.byInd[ind]; !b.t.empty() {
		return int(b.ids[b.t.pick(s)])
	}
	return int(p.all.ids[p.all.t.pick(s)])
}

// riskFloats are the work-injury floating factors employers get: mostly
// 1.0; class I can only float up (人社部发〔2015〕71号).
var riskFloats = struct{ up, any []weighted[money.Dec] }{
	up: []weighted[money.Dec]{{money.MustDec("1.00"), 88}, {money.MustDec("1.20"), 9}, {money.MustDec("1.50"), 3}},
	any: []weighted[money.Dec]{{money.MustDec("1.00"), 80}, {money.MustDec("0.80"), 8}, {money.MustDec("0.50"), 3},
		{money.MustDec("1.20"), 7}, {money.MustDec("1.50"), 2}},
}

// employers generates the employers and fills g.pool.
func (g *gen) employers() []registry.Employer {
	n := max(1, (g.cfg.Persons+personsPerEmployer/2)/personsPerEmployer)
	s := g.es
	out := make([]registry.Employer, n)
	info := make([]employerInfo, n)
	size := make([]float64, n)
	offset := splitmix(g.cfg.Seed) % 100_000_000
	for j := range n {
		s.reset(g.cfg.Seed, aspectEmployer, uint64(j))
		ii := g.firmT.pick(s)
		ind := &industries[ii]
		di := g.firmDivT[ii].pick(s)
		div := residenceWeights[di].v
		kind := pickOf(s, ind.orgs)
		// A bijection of j modulo 10^8 (48271 is prime to 10^8): unique
		// organisation codes that do not count up.
		serial := (uint64(j)*48271 + offset) % 100_000_000
		e := registry.Employer{
			ID:               int64(j + 1),
			CreditCode:       ident.NewCreditCode(kind.authority, kind.category, div, serial),
			Name:             employerName(s, ind, kind, div),
			IndustrySection:  ind.section,
			IndustryDivision: ind.division,
			Division:         div,
			RiskClass:        ind.risk,
			CreatedAt:        g.created,
			UpdatedAt:        g.created,
		}
		if ind.risk == 1 {
			e.RiskFloat = pickOf(s, riskFloats.up)
		} else {
			e.RiskFloat = pickOf(s, riskFloats.any)
		}
		out[j] = e
		// Sizes are heavy-tailed: a few large manufacturers, many small firms.
		size[j] = s.lognormal(1, 1.3)
		if kind == individual {
			size[j] *= 0.15
		}
		info[j] = employerInfo{int16(ii), int8(di), kind, float32(size[j])}
	}
	g.pool = newPool(info, size)
	return out
}

func newPool(info []employerInfo, size []float64) *employerPool {
	p := &employerPool{info: info, buckets: make([][]bucket, len(industries)), byInd: make([]bucket, len(industries))}
	ids := make([][][]int32, len(industries))
	all := make([]int32, len(info))
	for i := range ids {
		ids[i] = make([][]int32, len(residenceWeights))
	}
	for j, e := range info {
		ids[e.ind][e.div] = append(ids[e.ind][e.div], int32(j))
		all[j] = int32(j)
	}
	for i := range ids {
		p.buckets[i] = make([]bucket, len(residenceWeights))
		var ind []int32
		for d := range ids[i] {
			p.buckets[i][d] = makeBucket(ids[i][d], size)
			ind = append(ind, ids[i][d]...)
		}
		p.byInd[i] = makeBucket(ind, size)
	}
	p.all = makeBucket(all, size)
	return p
}

// syllables returns two different random trade-name syllables.
func syllables(s *stream) string {
	i := s.IntN(len(tradeSyllables))
	j := s.IntN(len(tradeSyllables) - 1)
	if j >= i {
		j++
	}
	return string([]rune{tradeSyllables[i], tradeSyllables[j]})
}

func oneOf(s *stream, words ...string) string { return words[s.IntN(len(words))] }

// employerName makes a synthetic name for an organisation of industry ind
// and kind registered in division div, in the usual Chinese form: place,
// trade name, what it does, legal form.
func employerName(s *stream, ind *industry, kind orgKind, div string) string {
	place := placeNames[div]
	trade := syllables(s)
	switch kind {
	case individual:
		w := oneOf(s, ind.words...)
		if !strings.HasSuffix(w, "店") && !strings.HasSuffix(w, "行") && !strings.HasSuffix(w, "房") && !strings.HasSuffix(w, "市") {
			w += oneOf(s, "店", "服务部", "经营部")
		}
		return place + trade + w
	case cooperative:
		return place + trade + oneOf(s, ind.words...) + "专业合作社"
	case organ:
		return place + trade + oneOf(s, "镇人民政府", "街道办事处", "管理委员会")
	case socialGroup:
		return place + trade + oneOf(s, ind.words...)
	case institution, nonProfit:
		return place + trade + publicName(s, ind.division, kind)
	}
	switch ind.division {
	case "66":
		return trade + "银行" + strings.TrimRight(place, "市县") + "支行"
	case "83":
		return place + trade + oneOf(s, "教育科技", "培训") + "有限公司"
	case "84":
		return place + trade + oneOf(s, "医院", "医疗管理", "口腔门诊部") + "有限公司"
	case "85":
		return place + trade + "养老服务有限公司"
	}
	if s.chance(0.1) {
		place = "浙江"
	}
	form := "有限公司"
	switch x := s.Float64(); {
	case x < 0.07:
		form = "股份有限公司"
	case x < 0.14:
		form = "有限责任公司"
	}
	return place + trade + oneOf(s, ind.words...) + form
}

// publicName names a public institution (事业单位) or private non-enterprise
// unit (民办非企业单位) by its industry.
func publicName(s *stream, division string, kind orgKind) string {
	switch division {
	case "83":
		if kind == nonProfit {
			return oneOf(s, "培训学校", "幼儿园", "艺术培训学校")
		}
		return oneOf(s, "小学", "中学", "实验学校", "幼儿园", "职业技术学校")
	case "84":
		if kind == nonProfit {
			return oneOf(s, "门诊部", "诊所", "康复医院")
		}
		return oneOf(s, "社区卫生服务中心", "卫生院", "医院")
	case "85":
		return oneOf(s, "养老院", "居家养老服务中心", "社会福利中心")
	case "94":
		return oneOf(s, "社会保险服务站", "就业服务站")
	case "73":
		return "研究院"
	case "78":
		return oneOf(s, "园林管理所", "环境卫生管理所")
	}
	return "服务中心"
}
