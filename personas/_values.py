"""Schwartz's ten basic values: short definitions and first-person anchor statements.

Written by the personalign team from the published definitions (Schwartz 1992, 2012); used
by the synthetic generator and as anchors for value inference.
"""

VALUE_DEFINITIONS: dict[str, str] = {
    "self_direction": "Independent thought and action: choosing, creating, exploring for oneself.",
    "stimulation": "Excitement, novelty and challenge in life.",
    "hedonism": "Pleasure and sensuous gratification for oneself; enjoying life.",
    "achievement": "Personal success through showing competence by social standards.",
    "power": "Social status and prestige, control or dominance over people and resources.",
    "security": "Safety, harmony and stability of society, of relationships and of oneself.",
    "conformity": "Restraint of actions likely to upset others or break social expectations or norms.",
    "tradition": "Respect for and commitment to the customs and ideas of one's culture or religion.",
    "benevolence": "Preserving and enhancing the welfare of the people one is close to.",
    "universalism": "Understanding, tolerance and protection of the welfare of all people and of nature.",
}

VALUE_STATEMENTS: dict[str, tuple[str, ...]] = {
    "self_direction": (
        "I want to work things out my own way, even if it takes longer.",
        "Nobody gets to decide for me how I spend my days.",
        "Give me the facts and let me make up my own mind.",
    ),
    "stimulation": (
        "I get restless when every week looks the same.",
        "I would rather try something new and fail than never try.",
        "A bit of risk makes me feel alive.",
    ),
    "hedonism": (
        "Life is short; I want to enjoy good food, music and company.",
        "If something is no fun at all, I doubt it is worth my time.",
        "I make room for pleasure even in a busy week.",
    ),
    "achievement": (
        "I measure myself by what I get done.",
        "I want to be really good at what I do, and for people to see it.",
        "Second place bothers me for days.",
    ),
    "power": (
        "I like to be the one who makes the final call.",
        "Money and standing open doors; I am not shy about wanting both.",
        "People listen to those who hold the purse strings.",
    ),
    "security": (
        "I sleep better when there is money put aside and a plan for the worst.",
        "I do not gamble with my family's safety.",
        "A steady job beats an exciting one.",
    ),
    "conformity": (
        "I try not to upset people or break the rules, even small ones.",
        "What my family and neighbours think of me matters.",
        "There is usually a good reason for the way things are done.",
    ),
    "tradition": (
        "The customs I grew up with keep me grounded.",
        "My faith shapes the big decisions in my life.",
        "I want to pass on what my grandparents taught me.",
    ),
    "benevolence": (
        "When someone close to me needs help, I drop everything.",
        "I would rather be loyal than be right.",
        "Looking after my people is what gives my life meaning.",
    ),
    "universalism": (
        "Everyone deserves fairness, including people I will never meet.",
        "I think about what my choices do to the planet.",
        "I want the world to be more just than I found it.",
    ),
}
