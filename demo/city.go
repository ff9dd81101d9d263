package demo

// The static shape of the synthetic city: population by division, the
// age pyramid, where migrants come from, education by birth cohort. Every
// figure here is an approximation chosen to look like Jiaxing; none is an
// official statistic, and none describes a real person.

// weighted is a value with a relative weight.
type weighted[T any] struct {
	v T
	w float64
}

// residenceWeights approximates the resident population of Jiaxing's seven
// county-level divisions (in ten thousands, rounded, after the 2020 census
// orders of magnitude): Haining and Tongxiang largest, Haiyan smallest.
// Approximations, not official figures.
var residenceWeights = []weighted[string]{
	{"330402", 63},  // 南湖区 Nanhu
	{"330411", 69},  // 秀洲区 Xiuzhou
	{"330421", 65},  // 嘉善县 Jiashan
	{"330424", 44},  // 海盐县 Haiyan
	{"330481", 108}, // 海宁市 Haining
	{"330482", 68},  // 平湖市 Pinghu
	{"330483", 103}, // 桐乡市 Tongxiang
}

// placeNames is the prefix an organisation registered in a division puts
// before its name (the two urban districts use the city's name).
var placeNames = map[string]string{
	"330402": "嘉兴市", "330411": "嘉兴市", "330421": "嘉善县", "330424": "海盐县",
	"330481": "海宁市", "330482": "平湖市", "330483": "桐乡市",
}

// migrantShare is the share of residents whose household registration
// (户籍) lies outside Jiaxing: migrant workers and their families.
const migrantShare = 0.22

// localHukouElsewhere is the share of Jiaxing-registered residents whose
// household registration is in another Jiaxing division than where they live.
const localHukouElsewhere = 0.15

// origin is a province migrants come from, with county-level division
// codes of real shape (GB/T 2260) to put into their household
// registration and resident ID numbers.
type origin struct {
	province string // short name, for school names
	weight   float64
	counties []string
}

// origins approximates where Jiaxing's migrant workers are registered:
// Anhui and Henan first, then Guizhou, Sichuan, Jiangxi and others,
// including other parts of Zhejiang. Weights are approximations.
var origins = []origin{
	{"安徽", 25, []string{"340121", "340122", "340123", "341221", "341222", "341225", "341226", "341282", "341321", "341322", "341323", "341324", "341621", "341622", "341623", "341125", "341522"}},
	{"河南", 17, []string{"411421", "411422", "411423", "411424", "411425", "411426", "411621", "411622", "411623", "411625", "411627", "411628", "411721", "411722", "411523", "411526", "411527", "411528"}},
	{"贵州", 12, []string{"520521", "520523", "520524", "520525", "520526", "520527", "522622", "522631", "522632", "522633"}},
	{"四川", 11, []string{"511621", "511622", "511623", "511321", "511322", "511323", "511324", "511325", "510921", "511921", "511922", "511923", "511722", "511723", "511724", "511725"}},
	{"江西", 9, []string{"360321", "361123", "361124", "361125", "361126", "361127", "361128", "361129", "360424", "360828", "361021"}},
	{"湖北", 6, []string{"421122", "421123", "421124", "421125", "421126", "421127"}},
	{"湖南", 5, []string{"430522", "430523", "430524", "430525", "430528"}},
	{"重庆", 5, []string{"500229", "500230", "500231", "500233", "500235", "500236", "500237", "500238"}},
	{"云南", 3, []string{"530621", "530622", "530623", "530624", "532621", "532622"}},
	{"浙江", 7, []string{"330327", "330382", "331022", "331023", "330825", "331123", "330624"}},
}

// census2020 is the relative size of China's five-year age groups in the
// 2020 census (millions, rounded), from age 0-4 up. The cohorts born in
// the 1960s and in the late 1980s stand out; the generator reads it by
// birth year, so it also serves an AsOf a few years later.
var census2020 = []float64{77.9, 90.2, 85.3, 72.7, 74.9, 91.9, 124.1, 99.0, 93.0, 114.2, 121.2, 101.4, 73.4, 74.0, 47.6, 31.2, 20.4, 10.9, 3.8, 0.8}

// localAgeWeight returns the relative number of residents of Jiaxing
// household registration aged a, from the census shape by birth year.
// It interpolates between the five-year groups so that the pyramid has
// no steps.
func localAgeWeight(a, asOfYear int) float64 {
	age2020 := float64(a) - float64(asOfYear-2020) // the cohort's age in 2020
	x := age2020/5 - 0.5                           // position between group midpoints
	if x <= 0 {
		return census2020[0]
	}
	i := int(x)
	if i >= len(census2020)-1 {
		return census2020[len(census2020)-1] * 0.5
	}
	f := x - float64(i)
	return census2020[i]*(1-f) + census2020[i+1]*f
}

// migrantAgeWeight returns the relative number of migrant residents aged
// a: mostly of working age, few old people.
func migrantAgeWeight(a int) float64 {
	switch {
	case a < 18:
		return 0.4
	case a < 20:
		return 0.7
	case a < 25:
		return 1.0
	case a < 30:
		return 1.3
	case a < 35:
		return 1.4
	case a < 40:
		return 1.3
	case a < 45:
		return 1.1
	case a < 50:
		return 0.9
	case a < 55:
		return 0.6
	case a < 60:
		return 0.35
	case a < 65:
		return 0.15
	case a < 75:
		return 0.07
	}
	return 0.02
}

// Ages in the registry: 16 (the minimum working age) to 95.
const (
	minAge = 16
	maxAge = 95
)

// maleShare returns the probability that a resident aged a is male: men
// slightly outnumber women among the working-age and migrants (sex ratio
// about 1.03 overall), women outlive men.
func maleShare(a int, migrant bool) float64 {
	switch {
	case migrant && a < 60:
		return 0.545
	case a < 60:
		return 0.508
	case a < 80:
		return 0.485
	}
	return 0.42
}

// educationByCohort gives the highest education reached by birth cohort,
// in the order of registry.EducationLevels (none, primary, junior, senior,
// vocational, bachelor, master, doctor), in percent. Each row applies to
// persons born from its year on.
var educationByCohort = []struct {
	from int
	pct  [8]float64
}{
	{0, [8]float64{22, 40, 24, 11, 2, 1, 0, 0}},
	{1950, [8]float64{8, 30, 40, 17, 3, 2, 0, 0}},
	{1960, [8]float64{3, 20, 45, 22, 6, 4, 0, 0}},
	{1970, [8]float64{1, 10, 45, 25, 10, 8.3, 0.6, 0.1}},
	{1980, [8]float64{0.5, 4, 35, 25, 17, 15.5, 2.7, 0.3}},
	{1990, [8]float64{0, 1, 20, 24, 25, 25.5, 4, 0.5}},
	{2000, [8]float64{0, 0.5, 14, 24, 29, 27, 5, 0.5}},
}

// completionAge is the usual age at which each education level is
// completed, in the order of registry.EducationLevels; "none" and
// "primary" leave school at the minimum working age.
var completionAge = [8]int{16, 16, 16, 18, 21, 22, 25, 28}

// Surnames, weighted roughly by frequency in Zhejiang (沈, 徐, 朱, 陆,
// 钱, 顾 more common in Jiaxing than nationally).
var surnames = []weighted[string]{
	{"王", 60}, {"李", 45}, {"张", 55}, {"刘", 30}, {"陈", 60}, {"杨", 25}, {"黄", 22}, {"赵", 15},
	{"吴", 35}, {"周", 30}, {"徐", 40}, {"孙", 15}, {"马", 10}, {"朱", 35}, {"胡", 18}, {"郭", 8},
	{"何", 12}, {"高", 10}, {"林", 12}, {"罗", 6}, {"郑", 12}, {"梁", 5}, {"谢", 8}, {"宋", 6},
	{"唐", 8}, {"许", 15}, {"韩", 5}, {"冯", 8}, {"邓", 4}, {"曹", 8}, {"彭", 4}, {"曾", 3},
	{"肖", 4}, {"田", 4}, {"董", 8}, {"袁", 6}, {"潘", 10}, {"于", 4}, {"蒋", 12}, {"蔡", 10},
	{"余", 6}, {"杜", 5}, {"叶", 12}, {"程", 6}, {"苏", 5}, {"魏", 5}, {"吕", 6}, {"丁", 6},
	{"任", 4}, {"沈", 40}, {"姚", 12}, {"卢", 5}, {"姜", 5}, {"崔", 3}, {"钟", 4}, {"谭", 3},
	{"陆", 25}, {"汪", 8}, {"范", 8}, {"金", 18}, {"石", 4}, {"廖", 2}, {"贾", 3}, {"夏", 6},
	{"方", 8}, {"邹", 4}, {"孟", 3}, {"熊", 3}, {"秦", 3}, {"江", 5}, {"薛", 3}, {"雷", 3},
	{"顾", 20}, {"毛", 6}, {"邵", 8}, {"钱", 20}, {"严", 6}, {"戴", 6}, {"俞", 10}, {"褚", 5},
	{"屠", 4}, {"费", 5}, {"盛", 5}, {"祝", 4}, {"倪", 5}, {"凌", 3}, {"楼", 3}, {"章", 6},
}

// Given-name characters. A given name is one or two of them; the pools
// are generic and combined at random, never a list of real people.
var (
	maleChars   = []rune("伟强磊军勇杰涛斌超明辉刚健峰浩宇鹏飞俊波华林建国平东文新志永海亮晨阳凯洋龙博睿轩嘉航宁诚毅锋彬荣兴德良成忠昊然翔哲")
	femaleChars = []rune("芳娜敏静丽艳娟霞燕玲萍红英梅琳婷雪慧颖倩洁佳欣怡悦雯晶露琴莉思梦晓雨诗涵璐蕾瑶琪月彤妍秀兰凤菲薇")
	sharedChars = []rune("文晓嘉一子思雨安清云春秋宁静佳欣睿晨")
)

// tradeSyllables make up the trade name (字号) of generated employers and
// schools: generic auspicious characters, combined at random.
var tradeSyllables = []rune("恒泰华盛鑫达瑞丰源宏昌隆兴裕通利信和康祥富润永旭新远嘉博锦辰创弘美安佳联腾合益诚正德晟铭卓越骏宸")

// majors by degree: a small demo list, each with the industry divisions
// (GB/T 4754) a graduate of it most often starts in.
type major struct {
	name       string
	industries []string // preferred industry divisions for the first job
}

var (
	vocationalMajors = []major{
		{"数控技术", []string{"34", "35", "33"}},
		{"机电一体化技术", []string{"34", "35", "38"}},
		{"电子商务", []string{"52", "51", "64"}},
		{"会计", []string{"72", "51", "66"}},
		{"建筑工程技术", []string{"47", "48", "50"}},
		{"护理", []string{"84", "85"}},
		{"现代纺织技术", []string{"17", "18", "28"}},
		{"服装设计与工艺", []string{"18", "17"}},
		{"物流管理", []string{"59", "54", "60"}},
		{"汽车检测与维修技术", []string{"81", "36"}},
		{"计算机网络技术", []string{"65", "64", "63"}},
		{"学前教育", []string{"83"}},
		{"酒店管理", []string{"61", "62"}},
		{"应用化工技术", []string{"26", "28"}},
	}
	bachelorMajors = []major{
		{"机械设计制造及其自动化", []string{"34", "35", "36"}},
		{"电气工程及其自动化", []string{"38", "44", "39"}},
		{"计算机科学与技术", []string{"65", "64", "39"}},
		{"软件工程", []string{"65", "64"}},
		{"电子信息工程", []string{"39", "65", "40"}},
		{"会计学", []string{"72", "66", "51"}},
		{"财务管理", []string{"66", "72", "68"}},
		{"市场营销", []string{"51", "52", "72"}},
		{"国际经济与贸易", []string{"51", "72"}},
		{"工商管理", []string{"72", "51", "70"}},
		{"纺织工程", []string{"17", "28", "18"}},
		{"化学工程与工艺", []string{"26", "28", "29"}},
		{"土木工程", []string{"48", "47", "74"}},
		{"护理学", []string{"84", "85"}},
		{"临床医学", []string{"84"}},
		{"汉语言文学", []string{"83", "92", "88"}},
		{"英语", []string{"83", "51"}},
		{"法学", []string{"92", "72"}},
		{"学前教育", []string{"83"}},
	}
	masterMajors = []major{
		{"材料科学与工程", []string{"28", "26", "73"}},
		{"计算机技术", []string{"65", "64"}},
		{"控制科学与工程", []string{"35", "38", "73"}},
		{"金融", []string{"66", "67", "69"}},
		{"工商管理", []string{"72", "51"}},
		{"临床医学", []string{"84"}},
		{"教育学", []string{"83"}},
		{"公共管理", []string{"92", "94"}},
	}
)
