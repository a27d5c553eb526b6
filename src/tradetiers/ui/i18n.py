"""The one translation table of the browser app: every UI string in English and Chinese.

Look a string up with :func:`tr`; a missing key fails loudly in the tests (see
``tests/test_ui_i18n.py``), so no string can be shown untranslated.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

#: key -> (English, Chinese)
TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": (
        "tradetiers: the world trades, climbs and borrows",
        "tradetiers：世界贸易、攀升与借贷",
    ),
    "page_world": ("World", "世界"),
    "page_ladder": ("Ladder", "技术阶梯"),
    "page_money": ("Money", "货币"),
    "page_bubbles": ("Bubbles", "气泡图"),
    "page_compare": ("Compare", "对比"),
    "language_switch": ("中文", "English"),
    # controls
    "scenario": ("Scenario", "情景"),
    "seed": ("Seed", "随机种子"),
    "play": ("Play", "播放"),
    "pause": ("Pause", "暂停"),
    "step": ("Step", "单步"),
    "reset": ("Reset", "重置"),
    "new_seed": ("Reset with a new seed", "换新种子重置"),
    "speed": ("Speed (years per second)", "速度（年/秒）"),
    "year": ("Year", "年份"),
    "years_run": ("Years simulated", "已模拟年数"),
    "levers": ("Levers", "政策杠杆"),
    "lever_effect_note": (
        "Changes take effect from the next year and are marked on the time series.",
        "改动自下一年起生效，并在时间序列上标出。",
    ),
    "apply": ("Apply", "应用"),
    "cut_link": ("Cut link", "切断联系"),
    "restore_link": ("Restore link", "恢复联系"),
    "country": ("Country", "国家"),
    "good": ("Good", "商品"),
    "all_goods": ("all goods", "全部商品"),
    "download_csv": ("Download CSV (countries)", "下载 CSV（国家）"),
    "download_world_csv": ("Download CSV (world)", "下载 CSV（世界）"),
    "download_png": ("PNG", "PNG"),
    # levers
    "lever_distance_decay": ("Trade costs (distance decay)", "贸易成本（距离衰减）"),
    "unit_distance_decay": ("per 1,000 km of path", "每千公里路径"),
    "tip_distance_decay": (
        "Gravity weight exp(−decay × path km / 1000): higher values make trade more local.",
        "引力权重 exp(−衰减 × 路径公里 / 1000)：数值越高，贸易越本地化。",
    ),
    "lever_link_cut": ("Cut a trade link", "切断贸易联系"),
    "unit_link_cut": ("on/off", "开/关"),
    "tip_link_cut": (
        "Removes the direct link between two countries; trade reroutes over longer paths.",
        "移除两国之间的直接联系；贸易改走更长的路径。",
    ),
    "lever_shock": ("Productivity shock", "生产率冲击"),
    "unit_shock": ("× productivity", "× 生产率"),
    "tip_shock": (
        "Multiplies a country's productivity in a good (or all goods) by this factor, "
        "from the next year on.",
        "自下一年起，将某国某商品（或全部商品）的生产率乘以该系数。",
    ),
    "marked": ("Lever changes", "杠杆改动"),
    "levers_trade": ("Trade", "贸易"),
    "levers_technology": ("Technology", "技术"),
    "levers_money": ("Money", "货币"),
    "lever_rd_public_share": ("Public R&D share", "公共研发占比"),
    "unit_rd_public_share": ("% of GDP per year", "占 GDP 的百分比/年"),
    "tip_rd_public_share": (
        "Government R&D spending as a share of GDP, on top of the R&D firms fund from their "
        "technology rents. It acts from the next year; a leader defending its frontier may "
        "raise its own share further.",
        "政府研发支出占 GDP 的比例，另加企业从技术租金中投入的研发。自下一年起生效；"
        "守卫前沿的领先国可能进一步提高自身比例。",
    ),
    "all_countries": ("all countries", "全部国家"),
    "lever_export_control": ("Export controls", "出口管制"),
    "unit_export_control": ("on/off, from a year", "开/关，自某年起"),
    "tip_export_control": (
        "The controller stops selling the top rungs ({rungs}) to the target, and the target "
        "learns less from it: its imitation is divided by the penalty. Acts from the chosen "
        "year (at the earliest the next year); switching off lifts it from the next year.",
        "管制国停止向目标国出售顶端阶梯（{rungs}），目标国从其学到的也更少：模仿除以惩罚系数。"
        "自所选年份（最早为下一年）起生效；关闭后自下一年起解除。",
    ),
    "controller": ("Controller", "管制国"),
    "target": ("Target", "目标国"),
    "from_year": ("from year", "起始年份"),
    "lever_control_penalty": ("Imitation penalty", "模仿惩罚"),
    "unit_control_penalty": ("÷ imitation", "÷ 模仿"),
    "tip_control_penalty": (
        "How much less the target learns from the controller: its imitation weight is "
        "divided by this factor (1 = no penalty).",
        "目标国向管制国学习的削弱程度：其模仿权重除以该系数（1 = 无惩罚）。",
    ),
    "lever_hegemon_rule": ("Hegemon's control rule", "霸权国管制规则"),
    "unit_hegemon_rule": ("on/off", "开/关"),
    "tip_hegemon_rule": (
        "When on, the hegemon imposes export controls on a challenger that comes close to "
        "its frontier. Switching it off stops new controls from the next year.",
        "开启时，霸权国对逼近其前沿的挑战者实施出口管制。关闭后自下一年起不再施加新的管制。",
    ),
    "lift_controls": ("Lift all controls in force", "解除全部现行管制"),
    "controls_in_force": ("Export controls in force: {n}", "现行出口管制：{n} 项"),
    "lever_open_source": ("Open source", "开源"),
    "unit_open_source": ("rung, from a year", "阶梯，自某年起"),
    "tip_open_source": (
        "From the chosen year a rung's frontier is published: every country can imitate it "
        "and its markup falls to the floor. Choose “none” to cancel.",
        "自所选年份起公开某阶梯的前沿技术：各国均可模仿，其加成率降至下限。选择“无”可取消。",
    ),
    "rung": ("Rung", "阶梯"),
    "none": ("none", "无"),
    "switch_on": ("on", "开"),
    "same_country": (
        "A country cannot control exports to itself.",
        "一个国家不能对自己实施出口管制。",
    ),
    # money levers
    "lever_finance_spread": ("Finance return premium", "金融回报溢价"),
    "unit_finance_spread": ("% per year", "每年 %"),
    "tip_finance_spread": (
        "What reserve and portfolio holders pay the issuer's finance sector on top of the "
        "policy rate. A higher premium is a bigger rent: workers move from the issuer's "
        "factories into finance (the rentier drift). Acts from the next year.",
        "储备与证券投资持有者在政策利率之外付给发行国金融部门的溢价。溢价越高，租金越大："
        "发行国的工人从工厂转入金融业（食利化漂移）。自下一年起生效。",
    ),
    "lever_regime": ("Settlement regime", "结算体制"),
    "unit_regime": ("choice", "选择"),
    "tip_regime": (
        "Reserve currency: trade settles in the hegemon's money, the others hold it as "
        "reserves and the hegemon can run deficits. Balanced: every country must balance "
        "its trade; nobody borrows abroad. Acts from the next year.",
        "储备货币：贸易以霸权国货币结算，其他国家将其作为储备持有，霸权国可以维持逆差。"
        "平衡：每个国家都必须收支平衡，无人对外借贷。自下一年起生效。",
    ),
    "regime": ("Regime", "体制"),
    "regime_reserve_currency": ("reserve currency", "储备货币"),
    "regime_balanced": ("balanced", "平衡"),
    "lever_hegemon_surplus": ("Hegemon targets a surplus", "霸权国追求顺差"),
    "unit_hegemon_surplus": ("% of GDP", "占 GDP 的百分比"),
    "tip_hegemon_surplus": (
        "When on, the hegemon aims for a current-account surplus of this share of its GDP, "
        "paid out of the others' reserves (the Triffin dilemma: the world then lacks "
        "reserves and compresses its imports). Acts from the next year.",
        "开启时，霸权国以占其 GDP 该比例的经常账户顺差为目标，由其他国家的储备支付"
        "（特里芬难题：世界因此缺乏储备并压缩进口）。自下一年起生效。",
    ),
    "lever_rate_path": ("Policy-rate path", "政策利率路径"),
    "unit_rate_path": ("% per year, from a year, for some years", "每年 %，自某年起，持续若干年"),
    "tip_rate_path": (
        "The reserve issuer's policy rate is set to this level for the chosen years, then "
        "returns to the scenario's (now {now}%). A hike pulls portfolio money out of tiers "
        "3 and 4 (the dollar tide) and raises interest bills.",
        "储备货币发行国的政策利率在所选年份内设为该水平，之后回到情景设定（当前 {now}%）。"
        "加息会把证券投资资金从第 3、4 层级国家抽走（美元潮汐），并提高利息支出。",
    ),
    "lever_rate_years": ("Years", "年数"),
    "unit_rate_years": ("years", "年"),
    "tip_rate_years": ("How many years the rate holds.", "该利率持续的年数。"),
    "for_years": ("for {n} years", "持续 {n} 年"),
    "lever_tariff": ("Tariff on manufactures", "制成品关税"),
    "unit_tariff": ("% of the import price", "占进口价格的百分比"),
    "tip_tariff": (
        "The hegemon ({hegemon}) taxes its imports of manufactured goods (every rung) from "
        "the chosen partners; trade diverts, its prices rise, the revenue goes to its budget "
        "and the partners may retaliate. Acts from the next year; 0% lifts it.",
        "霸权国（{hegemon}）对来自所选伙伴国的制成品（所有阶梯）进口征税；贸易转移，其国内"
        "价格上升，税收进入其预算，伙伴国可能报复。自下一年起生效；0% 即取消。",
    ),
    "partners": ("Partners", "伙伴国"),
    "not_set": ("not imposed", "未征收"),
    "lift_tariff": ("Lift tariff", "取消关税"),
    "lever_reserve_run": ("Run on the reserve currency", "储备货币挤兑"),
    "unit_reserve_run": ("years", "年"),
    "tip_reserve_run": (
        "Forces a run from the next year, whatever the currency's credibility: holders sell "
        "reserves, the issuer's interest rate spikes and it must cut its imports.",
        "自下一年起强制发生挤兑，无论货币信誉如何：持有者抛售储备，发行国利率飙升，"
        "并被迫削减进口。",
    ),
    "force_run": ("Force a run", "强制挤兑"),
    # provenance
    "model_output": ("model output", "模型输出"),
    "scenario_lc": ("scenario", "情景"),
    "seed_lc": ("seed", "种子"),
    "through_year": ("through year", "截至年份"),
    "no_years_yet": (
        "Press Play or Step to simulate the first year.",
        "按“播放”或“单步”模拟第一年。",
    ),
    # world page
    "network_title": ("Trade network", "贸易网络"),
    "network_caption": (
        "Nodes: countries at their scenario coordinates, coloured by tier, sized by GDP; "
        "edges: bilateral trade in the latest year.",
        "节点：按情景坐标放置的国家，颜色表示层级，大小表示 GDP；连线：最近一年的双边贸易。",
    ),
    "world_series": ("World GDP and trade", "世界 GDP 与贸易"),
    "tier_counts": ("Countries per tier", "各层级国家数"),
    "country_card": ("Country card", "国家卡片"),
    "event_feed": ("Event feed", "事件记录"),
    "top_exports": ("top exports", "主要出口"),
    "capability": ("capability (÷ frontier)", "技术能力（÷ 前沿）"),
    "hover_hint": (
        "Hover over a country on the network to see its card.",
        "将鼠标悬停在网络中的国家上可查看其卡片。",
    ),
    "relative_to_frontier": ("relative to the frontier", "相对前沿"),
    "mastered_in": ("mastered in", "掌握年份"),
    "no_events": ("No events yet.", "暂无事件。"),
    "tier_changes_now": ("Tier change this year", "本年层级变化"),
    "tier": ("tier", "层级"),
    "gdp": ("GDP", "GDP"),
    "exports": ("exports", "出口"),
    "imports": ("imports", "进口"),
    "population": ("population (millions)", "人口（百万）"),
    "manufacturing_share": ("manufacturing share", "制造业占比"),
    "tier_1": ("hegemon", "霸权国"),
    "tier_2": ("manufacturer", "制造国"),
    "tier_3": ("resource exporter", "资源出口国"),
    "tier_4": ("agrarian", "农业国"),
    "tier_0": ("unclassified", "未分类"),
    # ladder page
    "ladder_heatmap": ("Capability relative to the frontier", "相对前沿的技术能力"),
    "ladder_caption": (
        "Each cell: a country's productivity in a rung over the best country's; "
        "1 = at the frontier.",
        "每格：某国在该阶梯上的生产率除以最佳国家的生产率；1 = 处于前沿。",
    ),
    "margins_title": (
        "Markup per rung over time (the “cabbage price”)",
        "各阶梯加成率随时间变化（“白菜价”）",
    ),
    "prices_title": ("Price per rung over time", "各阶梯价格随时间变化"),
    "catchup_title": ("Catch-up timeline per rung", "各阶梯追赶时间线"),
    "arrives_tech": (
        "arrives with the technology mechanism (its columns are not in this run yet).",
        "将随技术机制上线（本次运行尚无相应数据列）。",
    ),
    "capabilities_constant": (
        "Capabilities do not move yet: the technology mechanism (innovation, imitation) "
        "is being built.",
        "技术能力尚不变化：技术机制（创新、模仿）正在构建中。",
    ),
    # money page
    "hegemon_shares": (
        "The hegemon's manufacturing and finance shares",
        "霸权国的制造业与金融占比",
    ),
    "trade_balance_tier": ("Trade balance by tier", "各层级贸易差额"),
    "debt_to_gdp": ("Debt / GDP", "债务 / GDP"),
    "interest_bill": ("Interest bill", "利息支出"),
    "deficits": ("Deficits", "赤字"),
    "reserves_tier": ("Reserves by tier", "各层级储备"),
    "credibility": ("Reserve credibility", "储备货币信誉"),
    "policy_rate": ("Policy rate", "政策利率"),
    "finance_share": ("finance share", "金融占比"),
    "money_off": (
        "The money mechanism is switched off in this scenario ([money] enabled = false).",
        "本情景关闭了货币机制（[money] enabled = false）。",
    ),
    "no_hegemon": ("This world has no hegemon.", "该世界没有霸权国。"),
    "issuer": ("reserve issuer", "储备货币发行国"),
    "deficit_to_gdp": ("deficit / GDP", "赤字 / GDP"),
    "interest_bill_gdp": ("interest bill / GDP", "利息支出 / GDP"),
    "interest_rate": ("interest rate on its debt", "其债务利率"),
    "debt_deficit": ("The hegemon's debt and deficit (% of GDP)", "霸权国的债务与赤字（占 GDP %）"),
    "interest": (
        "The hegemon's interest bill, its rate and the policy rate (%)",
        "霸权国的利息支出、债务利率与政策利率（%）",
    ),
    "current_account_tier": ("Current account by tier", "各层级经常账户"),
    "run_threshold": ("run threshold {value}", "挤兑阈值 {value}"),
    "run_threshold_short": ("run threshold", "挤兑阈值"),
    "below_threshold": ("below: a run starts after some years", "低于阈值：数年后将发生挤兑"),
    "events_marked": ("Money events", "货币事件"),
    "ev_reserve_run": ("reserve run", "储备挤兑"),
    "ev_reserve_handover": ("hand-over to", "储备地位移交"),
    "ev_debt_restructuring": ("restructuring", "债务重组"),
    "ev_import_compression": ("import compression", "进口压缩"),
    "ev_tariff": ("tariff", "关税"),
    # bubbles page
    "bubbles_title": ("Countries over time", "各国随时间变化"),
    "x_axis": ("x", "横轴"),
    "y_axis": ("y", "纵轴"),
    "size_by": ("size", "大小"),
    "colour_by": ("colour", "颜色"),
    "trails": ("Trails", "轨迹"),
    "animate": ("Animate", "动画"),
    "bubble_year": ("Year shown", "显示年份"),
    # compare page
    "compare_title": ("Two settings side by side, same seed", "同一种子下两种设置并排对比"),
    "setting_a": ("Setting A", "设置 A"),
    "setting_b": ("Setting B", "设置 B"),
    "years": ("Years", "年数"),
    "run_compare": ("Run both", "运行两者"),
    "compare_hint": ("Choose two settings and press “Run both”.", "选择两种设置后按“运行两者”。"),
    "world_gdp": ("world GDP", "世界 GDP"),
    "world_trade": ("world trade", "世界贸易"),
    "world_reserves": ("world reserves", "世界储备"),
    # caps and errors
    "cap_countries": (
        "This world has {n} countries; the browser app accepts at most {cap}. "
        "Use `tradetiers run` for bigger worlds.",
        "该世界有 {n} 个国家；浏览器应用最多接受 {cap} 个。更大的世界请用 `tradetiers run`。",
    ),
    "cap_years": (
        "The browser app simulates at most {cap} years per run. "
        "Reset, or use `tradetiers run` for longer runs.",
        "浏览器应用每次运行最多模拟 {cap} 年。请重置，或用 `tradetiers run` 运行更长时间。",
    ),
    "scenario_error": ("Could not load the scenario: {err}", "无法加载情景：{err}"),
    # lessons (src/tradetiers/ui/pages/lessons.py; the lessons' own words are in their folders)
    "page_lessons": ("Lessons", "课堂"),
    "lesson_list_title": ("Lessons: predict, observe, explain", "课堂：预测、观察、解释"),
    "lesson_open": ("Open", "打开"),
    "lesson_number": ("Lesson {n}", "第 {n} 课"),
    "lesson_mechanisms": ("Mechanisms", "机制"),
    "lesson_join": ("Join a class", "加入课堂"),
    "lesson_code": ("Session code", "课堂代码"),
    "lesson_join_button": ("Join", "加入"),
    "lesson_bad_code": ("No class session has this code.", "没有使用这个代码的课堂。"),
    "lesson_exit": ("Exit", "退出"),
    "lesson_teacher_mode": ("Teacher mode", "教师模式"),
    "lesson_back": ("Back", "上一步"),
    "lesson_next": ("Next", "下一步"),
    "lesson_step_framing": ("Framing", "引入"),
    "lesson_step_predict": ("Predict", "预测"),
    "lesson_step_observe": ("Observe", "观察"),
    "lesson_step_reveal": ("What happened", "结果揭晓"),
    "lesson_step_explain": ("Explain", "解释"),
    "lesson_step_try": ("Things to try", "试一试"),
    "lesson_step_discuss": ("Discuss", "讨论"),
    "lesson_start_class": ("Start a class session", "开始课堂互动"),
    "lesson_class_code": (
        "Students: open Lessons and enter the code {code}",
        "学生：打开“课堂”页面，输入代码 {code}",
    ),
    "lesson_join_link": ("or open this link:", "或打开这个链接："),
    "lesson_tally": ("Class predictions: {n}", "全班预测：{n} 份"),
    "lesson_submit": ("Submit my prediction", "提交我的预测"),
    "lesson_submitted": (
        "Prediction submitted. Wait for your teacher to reveal the run.",
        "预测已提交。请等待老师揭晓模型运行结果。",
    ),
    "lesson_your_prediction": ("Your prediction", "你的预测"),
    "lesson_run_answer": ("The run's answer", "模型运行的答案"),
    "lesson_no_choice": ("The run matched none of the choices.", "运行结果不符合任何一个选项。"),
    "lesson_running": ("Running the model…", "正在运行模型……"),
    "lesson_failed": ("The lesson's run failed.", "本课的模型运行失败。"),
    "lesson_freeze": ("Freeze at year", "定格年份"),
    "lesson_to_freeze": ("Jump to the freeze year", "跳到定格年份"),
    "lesson_this_run": ("this run", "本次运行"),
    "lesson_series": ("series", "序列"),
    "lesson_value": ("value", "数值"),
    "lesson_try_button": ("Try it", "试试看"),
    "lesson_try_result": (
        "With this change, the run's answer is:",
        "做此改动后，模型运行的答案是：",
    ),
    "lesson_explore": ("Explore further on the {page} page.", "可在“{page}”页面进一步探索。"),
    "lesson_leaves_out": ("What the model leaves out", "模型遗漏了什么"),
    "lesson_contested": ("What is contested", "有争议之处"),
}


def tr(key: str, lang: str = "en", **fields: object) -> str:
    """Translate a UI string.

    Args:
        key: a key of :data:`TEXT`.
        lang: ``en`` or ``zh``.
        **fields: values for ``{placeholders}`` in the string.

    Returns:
        The string in the chosen language.
    """
    text = TEXT[key][1 if lang == "zh" else 0]
    return text.format(**fields) if fields else text


def tier_label(tier: int, lang: str = "en") -> str:
    """The tier's number and name, e.g. ``2 manufacturer``."""
    return f"{tier} {tr(f'tier_{tier}', lang)}" if 0 <= tier <= 4 else str(tier)
