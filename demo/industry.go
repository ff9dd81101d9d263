package demo

// An industry of the synthetic city: one GB/T 4754-2017 division (大类)
// with its share of employers and of jobs, its wage level, its work-injury
// risk class, the kinds of organisation found in it and the words that go
// into their names.
//
// Shares, wages and risk classes are a demo mapping chosen to make a
// Jiaxing-like economy (manufacturing-heavy: textiles, chemical fibres,
// leather, electronics, machinery), not official statistics. In
// particular the risk classes only approximate the industry-class table
// of 人社部发〔2015〕71号 (software and finance class I, construction
// class V); a deployment takes the real mapping from rules/.
type industry struct {
	section, division string
	firms             float64 // share of employers, percent
	jobs              float64 // share of jobs, percent
	wage              float64 // median declared monthly wage in 2024, yuan
	sigma             float64 // spread of log wages within the industry
	risk              int     // work-injury risk class, 1-8 (demo mapping)
	skill             int     // 0 mostly low-skilled jobs, 1 mixed, 2 mostly graduates
	tenure            float64 // factor on the typical length of a job
	orgs              []weighted[orgKind]
	words             []string // what the organisation does, for its name
}

// orgKind is the kind of organisation, as GB 32100 codes it in the first
// two characters of its credit code.
type orgKind struct{ authority, category byte }

var (
	enterprise  = orgKind{'9', '1'} // 企业
	individual  = orgKind{'9', '2'} // 个体工商户
	cooperative = orgKind{'9', '3'} // 农民专业合作社
	organ       = orgKind{'1', '1'} // 机关
	institution = orgKind{'1', '2'} // 事业单位
	socialGroup = orgKind{'5', '1'} // 社会团体
	nonProfit   = orgKind{'5', '2'} // 民办非企业单位
)

func only(k orgKind) []weighted[orgKind] { return []weighted[orgKind]{{k, 1}} }

var companies = only(enterprise)

// industries lists the industries of the city.
var industries = []industry{
	{"A", "01", 1.0, 0.8, 5200, 0.40, 4, 0, 1.5, []weighted[orgKind]{{cooperative, 5}, {enterprise, 5}}, []string{"农业", "农业科技", "果蔬", "生态农业"}},
	{"C", "13", 0.8, 1.0, 5800, 0.40, 3, 0, 1, companies, []string{"食品", "粮油", "农产品加工"}},
	{"C", "14", 0.7, 0.9, 5800, 0.40, 3, 0, 1, companies, []string{"食品", "糕点", "调味品"}},
	{"C", "17", 6.0, 9.5, 6000, 0.40, 3, 0, 1, companies, []string{"纺织", "丝绸", "织造", "经编", "印染", "家纺"}},
	{"C", "18", 3.0, 5.0, 5600, 0.40, 4, 0, 1, companies, []string{"服饰", "服装", "制衣", "针织"}},
	{"C", "19", 1.8, 3.5, 5800, 0.42, 4, 0, 1, companies, []string{"皮革", "皮草", "鞋业", "皮件"}},
	{"C", "21", 1.0, 1.5, 6000, 0.40, 4, 0, 1, companies, []string{"家具", "家居", "木业"}},
	{"C", "22", 0.5, 0.8, 6200, 0.40, 4, 0, 1, companies, []string{"纸业", "包装"}},
	{"C", "26", 1.0, 2.0, 7200, 0.42, 4, 1, 1.2, companies, []string{"化工", "新材料", "涂料", "精细化工"}},
	{"C", "28", 0.6, 2.5, 7000, 0.40, 3, 1, 1.2, companies, []string{"化纤", "化学纤维", "新纤维", "锦纶"}},
	{"C", "29", 1.5, 2.2, 6200, 0.40, 3, 0, 1, companies, []string{"塑业", "橡塑", "塑胶", "橡胶制品"}},
	{"C", "33", 2.0, 2.5, 6500, 0.40, 3, 0, 1, companies, []string{"五金", "金属制品", "紧固件", "标准件"}},
	{"C", "34", 3.0, 4.0, 7000, 0.42, 3, 1, 1.1, companies, []string{"机械", "机电", "轴承", "液压", "泵业"}},
	{"C", "35", 1.5, 2.0, 7200, 0.42, 3, 1, 1.1, companies, []string{"智能装备", "精密机械", "专用设备"}},
	{"C", "36", 0.8, 2.0, 7500, 0.42, 3, 1, 1.2, companies, []string{"汽车零部件", "汽配", "车业"}},
	{"C", "38", 2.0, 3.5, 7000, 0.42, 3, 1, 1.1, companies, []string{"电器", "电气", "光伏", "电缆", "照明"}},
	{"C", "39", 1.5, 4.0, 7500, 0.45, 2, 1, 1.1, companies, []string{"电子", "微电子", "光电", "半导体"}},
	{"C", "40", 0.4, 0.6, 7800, 0.45, 2, 1, 1.2, companies, []string{"仪器仪表", "传感技术"}},
	{"C", "41", 0.5, 0.6, 5800, 0.40, 3, 0, 1, companies, []string{"工艺品", "日用品"}},
	{"D", "44", 0.3, 0.7, 9800, 0.35, 3, 1, 2.5, companies, []string{"热电", "能源", "新能源"}},
	{"D", "46", 0.1, 0.2, 8000, 0.35, 3, 1, 2.5, companies, []string{"水务", "供水"}},
	{"E", "47", 2.5, 4.5, 7200, 0.42, 5, 0, 0.8, companies, []string{"建设", "建筑", "建工", "建筑工程"}},
	{"E", "48", 1.0, 2.0, 7500, 0.42, 5, 0, 0.8, companies, []string{"交通工程", "市政工程", "路桥"}},
	{"E", "49", 0.7, 1.0, 7000, 0.42, 5, 0, 0.8, companies, []string{"安装工程", "机电安装"}},
	{"E", "50", 1.8, 1.5, 6500, 0.42, 4, 0, 0.8, companies, []string{"装饰", "装饰工程", "幕墙"}},
	{"F", "51", 9.0, 5.0, 6500, 0.45, 2, 1, 0.9, companies, []string{"商贸", "贸易", "进出口", "供应链"}},
	{"F", "52", 14.0, 5.0, 5300, 0.40, 2, 0, 0.7, []weighted[orgKind]{{individual, 45}, {enterprise, 55}}, []string{"超市", "便利店", "百货", "商行", "药房"}},
	{"G", "54", 2.0, 2.5, 6800, 0.40, 4, 0, 1, companies, []string{"运输", "客运", "汽车运输"}},
	{"G", "59", 0.8, 1.0, 6300, 0.40, 2, 0, 1, companies, []string{"仓储", "物流"}},
	{"G", "60", 0.6, 1.2, 6800, 0.40, 2, 0, 0.7, companies, []string{"快递", "速递"}},
	{"H", "61", 0.8, 0.8, 5000, 0.38, 2, 0, 0.7, companies, []string{"酒店", "宾馆"}},
	{"H", "62", 5.0, 2.5, 5000, 0.38, 2, 0, 0.6, []weighted[orgKind]{{individual, 50}, {enterprise, 50}}, []string{"餐饮", "饭店", "小吃", "餐饮管理"}},
	{"I", "64", 0.8, 0.7, 9500, 0.50, 2, 2, 0.8, companies, []string{"网络科技", "互联网科技"}},
	{"I", "65", 2.5, 1.8, 10000, 0.50, 1, 2, 0.8, companies, []string{"信息技术", "软件", "数字科技", "智能科技"}},
	{"J", "66", 0.2, 1.0, 11000, 0.45, 1, 2, 2, companies, []string{"银行"}},
	{"J", "67", 0.2, 0.3, 11000, 0.50, 1, 2, 1, companies, []string{"证券", "投资管理"}},
	{"J", "68", 0.2, 0.6, 8000, 0.50, 1, 1, 0.8, companies, []string{"保险代理", "保险经纪"}},
	{"J", "69", 0.3, 0.2, 9000, 0.50, 1, 2, 1, companies, []string{"融资租赁", "融资担保"}},
	{"K", "70", 2.0, 2.0, 7500, 0.45, 2, 1, 1, companies, []string{"房地产开发", "物业管理", "置业"}},
	{"L", "72", 6.0, 4.0, 6800, 0.45, 2, 1, 0.8, companies, []string{"企业管理", "咨询", "人力资源", "会展服务", "保安服务"}},
	{"M", "73", 0.5, 0.6, 9500, 0.45, 2, 2, 1.3, []weighted[orgKind]{{enterprise, 7}, {institution, 3}}, []string{"科技研究", "新材料研究"}},
	{"M", "74", 1.5, 1.2, 8500, 0.45, 2, 2, 1.2, companies, []string{"工程设计", "检测技术", "勘测设计"}},
	{"M", "75", 2.0, 0.8, 8500, 0.45, 1, 2, 1, companies, []string{"科技", "技术服务"}},
	{"N", "77", 0.3, 0.4, 7000, 0.40, 4, 1, 1.5, companies, []string{"环保", "环境治理"}},
	{"N", "78", 0.4, 0.8, 6500, 0.40, 4, 0, 1.5, []weighted[orgKind]{{institution, 5}, {enterprise, 5}}, []string{"市政园林", "环境卫生"}},
	{"O", "80", 2.0, 1.0, 5000, 0.38, 2, 0, 0.7, []weighted[orgKind]{{individual, 40}, {enterprise, 60}}, []string{"家政", "洗涤", "美容美发"}},
	{"O", "81", 1.5, 0.7, 5500, 0.38, 4, 0, 0.8, []weighted[orgKind]{{individual, 45}, {enterprise, 55}}, []string{"汽车维修", "家电维修"}},
	{"P", "83", 1.8, 3.5, 9000, 0.35, 2, 2, 3, []weighted[orgKind]{{institution, 60}, {nonProfit, 25}, {enterprise, 15}}, nil},
	{"Q", "84", 1.0, 3.2, 9500, 0.40, 2, 2, 2.5, []weighted[orgKind]{{institution, 45}, {nonProfit, 15}, {enterprise, 40}}, nil},
	{"Q", "85", 0.3, 0.3, 6000, 0.35, 1, 1, 1.2, []weighted[orgKind]{{nonProfit, 60}, {institution, 20}, {enterprise, 20}}, nil},
	{"R", "88", 0.6, 0.4, 7000, 0.45, 2, 1, 1, companies, []string{"文化传媒", "文化创意"}},
	{"R", "89", 0.3, 0.2, 6500, 0.45, 3, 1, 1, companies, []string{"体育发展", "健身"}},
	{"S", "92", 0.6, 2.8, 9500, 0.30, 1, 2, 4, only(organ), nil},
	{"S", "94", 0.1, 0.3, 9000, 0.30, 1, 2, 3, only(institution), nil},
	{"S", "95", 0.6, 0.3, 6500, 0.35, 1, 1, 1.5, only(socialGroup), []string{"协会", "商会", "行业协会"}},
}

// hubs are the divisions where an industry is concentrated, with the
// factor on their share of its employers: Haining's leather and
// textiles, Tongxiang's chemical fibres and sweaters, Pinghu's garments,
// Haiyan's fasteners, Jiashan's electronics.
var hubs = []struct {
	division, industry string
	factor             float64
}{
	{"330481", "19", 3}, {"330481", "17", 1.6},
	{"330483", "28", 3}, {"330483", "17", 1.6}, {"330483", "18", 1.3},
	{"330482", "18", 2.2},
	{"330424", "33", 3},
	{"330421", "39", 2.2}, {"330421", "21", 1.8},
	{"330402", "65", 1.6}, {"330402", "66", 1.5}, {"330402", "92", 1.5},
	{"330411", "34", 1.3},
}

// hubFactor returns the concentration factor of industry division ind in
// the county-level division div.
func hubFactor(div, ind string) float64 {
	for _, h := range hubs {
		if h.division == div && h.industry == ind {
			return h.factor
		}
	}
	return 1
}

// skillFit is the factor on an industry's share of jobs for a person of
// each education rank (registry.EducationLevels order), by the
// industry's skill level.
var skillFit = [3][8]float64{
	{1.4, 1.4, 1.4, 1.1, 0.7, 0.35, 0.2, 0.1},
	{0.9, 0.9, 0.9, 1.0, 1.1, 1.0, 0.9, 0.8},
	{0.05, 0.05, 0.08, 0.35, 1.3, 3.0, 4.0, 5.0},
}

// eduWage is the factor on the industry's median wage by education rank,
// relative to eduRef, the typical factor of the industry's skill level.
var (
	eduWage = [8]float64{0.75, 0.78, 0.88, 0.97, 1.06, 1.25, 1.55, 1.85}
	eduRef  = [3]float64{0.9, 1.0, 1.25}
)
