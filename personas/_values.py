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

# Portraits for value inference: short third-person-free descriptions of what a person who
# holds each value does, worries about and wants, across the value's facets (Schwartz 2012's
# refined subtypes), written by the personalign team. Several per value, so one sentence is
# matched against the facet it speaks to, not against a single definition.
VALUE_PORTRAITS: dict[str, tuple[str, ...]] = {
    "self_direction": (
        "I make my own decisions and do not like being told what to do.",
        "I like to learn things by myself and understand them properly.",
        "Freedom to choose my own path matters more to me than security.",
        "I want to be independent and rely on my own judgement.",
        "I enjoy thinking up new ideas and being creative in my own way.",
        "I run my own life and my own work on my own terms.",
    ),
    "stimulation": (
        "I look for adventure, new places and new experiences.",
        "I get bored by routine and want variety and surprises.",
        "I like taking risks and doing exciting, daring things.",
        "Travelling, extreme sports and trying new things thrill me.",
        "I want a life full of change, novelty and challenge.",
        "I jump at the chance to do something I have never done before.",
    ),
    "hedonism": (
        "Having a good time and enjoying myself is what I want most.",
        "I love treating myself to good food, drink, parties and fun.",
        "I do things that give me pleasure and do not feel guilty about it.",
        "Relaxing, having fun with friends and enjoying the moment matter to me.",
        "I work so that I can enjoy life, not the other way round.",
        "Comfort, indulgence and pleasure are worth spending on.",
    ),
    "achievement": (
        "Being successful and ambitious is very important to me.",
        "I want people to recognise how good I am at what I do.",
        "I set goals, work hard and push myself to perform at my best.",
        "Getting the promotion, the qualification or the win drives me.",
        "I compare my results with others and want to come out ahead.",
        "I want a career that shows what I am capable of.",
    ),
    "power": (
        "I want to be in charge and have people do what I say.",
        "Wealth, money and expensive things are important to me.",
        "Status, prestige and being respected by others matter a lot to me.",
        "I like to control the decisions and the resources around me.",
        "I want to be seen as important and to keep my reputation.",
        "Leading others and having authority over them suits me.",
    ),
    "security": (
        "Living in safe, stable surroundings is very important to me.",
        "I save money and plan ahead so that nothing can go wrong.",
        "I avoid anything that might put my health or my family at risk.",
        "A steady income, a secure job and a safe home come first for me.",
        "I want order and stability in society and in my own life.",
        "I worry about risks and prefer the careful, predictable option.",
    ),
    "conformity": (
        "I follow the rules and do what people expect of me.",
        "I behave properly and avoid doing anything others would disapprove of.",
        "I never want to upset or embarrass anyone, so I keep my opinions to myself.",
        "Being polite, obedient and respectful to authority is important to me.",
        "I do things the approved, correct way, as they are supposed to be done.",
        "What others think of me guides how I act.",
    ),
    "tradition": (
        "I keep the customs and traditions of my family and culture.",
        "My religious faith and its practices are central to my life.",
        "I respect the old ways and want to pass them on to the next generation.",
        "I am modest, humble and content with what I have.",
        "Holidays, rituals and family ceremonies matter deeply to me.",
        "I honour my elders and the heritage I come from.",
    ),
    "benevolence": (
        "Helping the people close to me is very important to me.",
        "I am loyal to my friends and devoted to my family.",
        "I care for my children, my parents and my community.",
        "People can always count on me; I am dependable and honest with them.",
        "I put the needs of my loved ones before my own.",
        "Looking after others and being kind to them gives my life meaning.",
    ),
    "universalism": (
        "I want everyone in the world to be treated equally and fairly.",
        "Protecting nature and the environment is important to me.",
        "I listen to people who are different from me and try to understand them.",
        "I care about justice, human rights and people I will never meet.",
        "I think about climate change, sustainability and the planet.",
        "Tolerance, peace and equality for all people matter to me.",
    ),
}

# Words that mark each value in what people write about their lives (stems and short
# phrases, matched case-insensitively as regular expressions). Written for this suite from
# the values' definitions; they add evidence that a small sentence-embedding model blurs
# ("vegan", "chapel", "savings"). Lexicon weight and use: personas/_infer.py.
VALUE_LEXICON: dict[str, str] = {
    "self_direction": (
        r"freedom|\bfree\b|independen|my own way|my way|\bdecide|\bchoos|autonom|creativ|curios|"
        r"think for myself|figure (?:it|stuff|things) out|my own|self-employed|freelanc|nobody tells|"
        r"no one tells|micromanag|on my own terms"
    ),
    "stimulation": (
        r"adventur|excit|thrill|new things|novelty|variety|\bbored|spontaneous|\btravel|surf|climb|"
        r"extreme|adrenalin|something new|try new"
    ),
    "hedonism": (
        r"\bfun\b|enjoy|pleasure|good food|\bwine|part(?:y|ies)|relax|treat myself|indulg|lie-in|"
        r"comfort|delicious|\bbeach|\bpint|good time|savou?r"
    ),
    "achievement": (
        r"succe(?:ss|ed)|ambiti|\bgoals?\b|promotion|career|\bwin\b|winning|excel|perform|results|"
        r"achiev|recogni|top of|best in|ranking|partner(?:ship)?\b"
    ),
    "power": (
        r"money|wealth|\brich\b|status|influence|control|authority|in charge|prestig|\bpower|dominan|"
        r"respect from|boss|decision-mak|management committee"
    ),
    "security": (
        r"\bsafe|secur|stabl|stability|savings|\bsave\b|insurance|predictab|\bhealth|protect|pension|"
        r"emergency fund|routine|reliab|worr"
    ),
    "conformity": (
        r"\brules?\b|polite|proper|\bobey|expected of|appropriate|manners|disciplin|\bduty|"
        r"rock the boat|fit in|behave|respectful|punctual|follow (?:the|instructions)|standard practice"
    ),
    "tradition": (
        r"tradition|\bfaith|church|mosque|temple|chapel|pray|\bgod\b|religio|heritage|ancestor|custom|"
        r"elders|ritual|festival|generation|sunday|mass\b"
    ),
    "benevolence": (
        r"family|friend|\bhelp|care (?:for|of)|caring|loyal|\bkind|neighbou?r|look after|honest|forgiv|"
        r"children|\bmother|\bfather|\bwife|husband|my (?:son|daughter|kids)|mate"
    ),
    "universalism": (
        r"environment|climate|planet|nature|justice|equal|\bfair|human rights|refugee|toleran|\bpeace|"
        r"sustainab|vegan|animals|diversity|poverty|global|communit(?:y|ies) (?:in|of)|everyone"
    ),
}
