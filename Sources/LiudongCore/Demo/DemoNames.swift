/// Name pools for synthetic people and places; frequencies follow common surnames in northern China.
enum DemoNames {
    static let surnames: [(String, Double)] = [
        ("王", 7.2), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 3.0), ("杨", 3.0), ("赵", 2.8), ("黄", 1.5),
        ("周", 1.6), ("吴", 1.3), ("徐", 1.2), ("孙", 1.8), ("马", 1.6), ("朱", 1.0), ("胡", 1.0), ("郭", 1.3),
        ("何", 0.8), ("高", 1.4), ("林", 0.6), ("罗", 0.6), ("郑", 0.7), ("梁", 0.8), ("谢", 0.5), ("宋", 0.8),
        ("唐", 0.5), ("许", 0.6), ("韩", 0.9), ("冯", 0.7), ("邓", 0.5), ("曹", 0.7), ("彭", 0.4), ("曾", 0.3),
        ("于", 1.0), ("董", 0.8), ("潘", 0.4), ("田", 0.7), ("姜", 0.6), ("范", 0.5), ("石", 0.6), ("姚", 0.4),
        ("谭", 0.3), ("廖", 0.2), ("邹", 0.3), ("熊", 0.3), ("金", 0.5), ("陆", 0.3), ("郝", 0.5), ("孔", 0.3),
        ("白", 0.7), ("崔", 0.6), ("康", 0.4), ("毛", 0.3), ("邱", 0.3), ("秦", 0.4), ("江", 0.3), ("史", 0.4),
        ("侯", 0.5), ("邵", 0.3), ("孟", 0.5), ("龙", 0.2), ("万", 0.3), ("段", 0.4), ("雷", 0.3), ("钱", 0.3),
        ("汤", 0.2), ("尹", 0.3), ("黎", 0.1), ("易", 0.1), ("常", 0.4), ("武", 0.5), ("乔", 0.4), ("贺", 0.3),
        ("赖", 0.1), ("龚", 0.2), ("文", 0.2), ("包", 0.8), ("鲍", 0.3), ("那", 0.2), ("吕", 0.5), ("葛", 0.3),
    ]
    static let maleGiven = Array("伟强磊军洋勇杰涛明超斌辉刚健峰建国华平东海林波宁鹏飞志宏亮成龙文俊军利新江浩宇振兴德福永祥广")
    static let femaleGiven = Array("芳娜敏静丽艳娟霞秀英华玲红梅兰凤莉燕萍雪琳婷慧颖洁月春桂玉珍淑琴云晶丹倩")
    static let middle = Array("文子志国建永春海晓立玉新明德宏金小秀红")
    static let mongolNames = [
        "巴特尔", "那顺", "乌力吉", "额尔敦", "朝鲁", "宝音", "其木格", "萨仁", "乌兰", "图雅",
        "斯琴", "苏日娜", "阿拉坦", "布和", "格日勒", "敖登", "满都拉", "达来", "孟和", "娜仁",
    ]

    static let committeeNames = [
        "城关镇党委", "东城街道党工委", "西城街道党工委", "新城街道党工委", "工业园区党工委",
        "机关工委", "教育系统党委", "卫生健康系统党委", "农牧系统党委", "经济开发区党工委",
        "白音镇党委", "太平庄乡党委", "红旗镇党委", "新民乡党委", "双井苏木党委", "兴隆镇党委",
    ]
    static let placeParts = Array("红旗向阳太平永兴富河新发双井三合东升前进胜利光明朝阳团结和平丰收长青跃进")
    static let branchKinds = ["村党支部", "社区党支部", "村党支部", "村党支部", "机关党支部", "学校党支部", "企业党支部"]

    static let employers = [
        "务农", "个体经营", "内蒙古伊泰集团 职工", "赤峰市第一中学 教师", "镇卫生院 医生", "村委会 委员",
        "赤峰云铜有色金属有限公司 技术员", "物流公司 司机", "建筑公司 施工员", "超市 店长",
        "北京某科技公司 工程师", "餐饮店 厨师", "外卖平台 骑手", "合作社 理事长", "退休",
    ]
    static let villages = ["新村", "东村", "西沟", "南营子", "北山", "河东", "前屯", "后屯", "二道沟", "三家子"]
}

/// Synthetic people for demo data outside the plan (cadres paired with mobile members).
public enum DemoPeople {
    public static func name(using rng: inout SeededRandom) -> String {
        let surname = rng.weighted(DemoNames.surnames)
        let pool = rng.chance(0.7) ? DemoNames.maleGiven : DemoNames.femaleGiven
        return surname
            + (rng.chance(0.3) ? String(rng.pick(pool)) : String([rng.pick(DemoNames.middle), rng.pick(pool)]))
    }

    /// A mobile number that no real subscriber is likely to hold (the 1990–1999 block of a 139 prefix is arbitrary).
    public static func phone(using rng: inout SeededRandom) -> String {
        "139" + String(format: "%08d", rng.int(0...99_999_999))
    }
}
