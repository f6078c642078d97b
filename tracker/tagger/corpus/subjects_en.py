"""English subject banks of the corpus generator (written by us), in the way GOV.UK-style regulators title items.

Same conventions as ``subjects_ja``: ``"text@dep+dep"`` sets departments, ``"text#topic"`` adds topics.
"""

from __future__ import annotations

RELEVANT: dict[str, dict[str, list[str]]] = {
    "corporate_tax": {
        "agencies": ["HMRC", "HM Treasury", "National Tax Agency"],
        "matters": ["Corporation Tax rates and allowances", "changes to capital allowances for plant and machinery",
                    "Corporation Tax: research and development relief", "multinational top-up tax (Pillar Two) guidance",
                    "transfer pricing documentation requirements", "Corporation Tax instalment payments for large companies",
                    "stamp duty on share transfers"],
    },
    "consumption_tax_invoice": {
        "agencies": ["HMRC", "National Tax Agency", "HM Treasury"],
        "matters": ["VAT registration threshold", "Making Tax Digital for VAT", "VAT on private school fees",
                    "e-invoicing consultation", "VAT margin schemes", "Japan's qualified invoice system",
                    "VAT penalties and interest changes"],
    },
    "withholding_year_end": {
        "agencies": ["HMRC", "National Tax Agency"],
        "matters": ["PAYE rates and thresholds for employers", "payrolling benefits in kind", "P11D filing for employers",
                    "year-end payroll: P60 for employees", "Real Time Information reporting changes",
                    "Japan's year-end tax adjustment for employers"],
    },
    "e_bookkeeping": {
        "agencies": ["HMRC", "National Tax Agency"],
        "matters": ["Making Tax Digital record keeping", "keeping digital records for VAT#consumption_tax_invoice",
                    "Japan's Electronic Bookkeeping Act requirements", "electronic records retention for tax"],
    },
    "accounting_standards": {
        "agencies": ["Financial Reporting Council", "FRC", "ASBJ", "IASB"],
        "matters": ["amendments to FRS 102", "exposure draft on lease accounting", "new accounting standard for revenue",
                    "ASBJ issues accounting standard for leases", "UK-adopted international accounting standards"],
    },
    "disclosure": {
        "agencies": ["Financial Reporting Council", "FCA", "Financial Services Agency", "Department for Business and Trade"],
        "matters": ["UK Sustainability Reporting Standards", "Corporate Governance Code 2024@accounting+legal",
                    "annual report review findings", "climate-related disclosure requirements for listed companies",
                    "the FSA's revision of the disclosure ordinance"],
    },
    "labor_standards": {
        "agencies": ["Department for Business and Trade", "ACAS", "Ministry of Health, Labour and Welfare"],
        "matters": ["Employment Rights Bill", "day-one rights for employees", "zero hours contracts reform",
                    "statutory code of practice on fire and rehire", "right to request flexible working",
                    "Japan's overtime cap rules", "written statement of employment particulars"],
    },
    "social_insurance": {
        "agencies": ["HMRC", "Department for Work and Pensions", "The Pensions Regulator"],
        "matters": ["employer National Insurance contributions", "workplace pension auto-enrolment duties",
                    "Class 1 National Insurance thresholds", "employment allowance increase@hr+accounting"],
    },
    "employment_insurance": {
        "agencies": ["Department for Work and Pensions", "HMRC", "Health and Safety Executive"],
        "matters": ["Statutory Sick Pay reforms", "employers' liability insurance requirements",
                    "Japan's employment insurance premium rate"],
    },
    "safety_health": {
        "agencies": ["Health and Safety Executive", "HSE"],
        "matters": ["RIDDOR reporting of workplace injuries", "managing work-related stress", "workplace fire safety duties",
                    "display screen equipment assessments", "first aid at work guidance"],
    },
    "harassment": {
        "agencies": ["Equality and Human Rights Commission", "ACAS", "Department for Business and Trade"],
        "matters": ["employers' duty to prevent sexual harassment", "harassment by third parties at work",
                    "sexual harassment technical guidance"],
    },
    "leave": {
        "agencies": ["Department for Business and Trade", "ACAS", "HMRC"],
        "matters": ["Carer's Leave Act", "paternity leave reforms", "neonatal care leave and pay",
                    "holiday pay for irregular hours workers#wages", "statutory maternity pay rates#wages"],
    },
    "wages": {
        "agencies": ["Department for Business and Trade", "Low Pay Commission", "HMRC"],
        "matters": ["National Minimum Wage and National Living Wage rates", "naming employers who underpaid minimum wage",
                    "gender pay gap reporting", "tips and gratuities legislation", "pay transparency guidance",
                    "National Living Wage increase", "minimum wage rates for apprentices", "salary sacrifice and minimum wage"],
    },
    "privacy": {
        "agencies": ["Information Commissioner's Office", "ICO", "Personal Information Protection Commission",
                     "Department for Science, Innovation and Technology"],
        "matters": ["data protection complaints handling for organisations", "ICO fines a company for a data breach",
                    "guidance on employment records and data protection@legal+hr",
                    "Data (Use and Access) Act", "international data transfer agreement", "subject access requests guidance",
                    "monitoring workers: data protection guidance@legal+hr", "ICO reprimand for a data breach at a retailer",
                    "ICO enforcement notice on cookie consent@legal+it", "privacy notices for staff@legal+hr"],
    },
    "cybersecurity": {
        "agencies": ["National Cyber Security Centre", "NCSC", "Department for Science, Innovation and Technology"],
        "matters": ["Cyber Essentials requirements update", "ransomware guidance for organisations",
                    "vulnerability in widely used VPN products", "Cyber Security and Resilience Bill",
                    "software security code of practice", "phishing campaign targeting businesses",
                    "NCSC alert on exploited firewall vulnerabilities", "ransomware attacks on retailers: mitigations",
                    "Cyber Assessment Framework update"],
    },
    "e_government": {
        "agencies": ["HMRC", "Companies House", "Government Digital Service", "Digital Agency"],
        "matters": ["Government Gateway sign-in changes for businesses", "online filing for company accounts#corporate_law@general_affairs+it+legal",
                    "identity verification for company directors#corporate_law@general_affairs+legal",
                    "new online service for employers' returns@general_affairs+it+hr"],
    },
    "corporate_law": {
        "agencies": ["Companies House", "Department for Business and Trade", "Ministry of Justice"],
        "matters": ["Economic Crime and Corporate Transparency Act changes", "company filing requirements",
                    "registered office address rules", "directors' duties guidance", "shareholder meeting rules"],
    },
    "fair_trade": {
        "agencies": ["Competition and Markets Authority", "CMA", "Japan Fair Trade Commission", "Office of the Small Business Commissioner"],
        "matters": ["consumer protection rules on fake reviews", "prompt payment reporting duty@legal+accounting",
                    "CMA fines companies for cartel conduct", "subcontract act enforcement", "drip pricing ban",
                    "competition law compliance guidance"],
    },
    "disaster": {
        "agencies": ["HMRC", "Cabinet Office", "Department for Business and Trade"],
        "matters": ["business continuity planning guidance", "support for businesses affected by flooding@general_affairs+accounting",
                    "tax payment deferral for businesses hit by storms@general_affairs+accounting"],
    },
    "environment": {
        "agencies": ["Environment Agency", "Department for Environment, Food and Rural Affairs", "Defra"],
        "matters": ["packaging extended producer responsibility", "Energy Savings Opportunity Scheme phase 4",
                    "streamlined energy and carbon reporting", "workplace recycling requirements", "F-gas regulations"],
    },
}

MATTER_FRAMES = [
    "{m}", "{m}: guidance for businesses", "Guidance: {m}", "Consultation: {m}", "Consultation outcome: {m}",
    "{agency} publishes {m}", "Changes to {m}", "Policy paper: {m}", "{m} - what businesses need to know",
    "New rules on {m} from {date}", "Check {m}", "Update on {m}", "Press release: {m}", "{m}: updated guidance",
    "Notice: {m}", "{agency} announces {m}",
    "{m} comes into force", "{m}: what employers need to do", "{m} - roadmap published", "{agency} confirms {m}",
    "{m}: new duties for businesses", "Reminder: {m}", "{agency} issues guidance on {m}", "{m} from April",
]
RELEVANT_LEADS = [
    "The {agency} has published {m}.", "This guidance explains {m} for organisations.",
    "Businesses should review {m} and update their processes.", "We are consulting on {m}.",
    "{agency} today set out {m}.", "Organisations must act on {m}.",
]
EFFECTIVE_SENTENCES = ["The changes take effect on {eff}.", "The rules come into force on {eff}.",
                       "This applies from {eff}.", "The new requirements will be effective from {eff}."]
DEADLINE_SENTENCES = ["Responses are due by {dl}.", "The consultation closes on {dl}.", "The deadline is {dl}.",
                      "Submit your return no later than {dl}."]

NONE_CATEGORIES: dict[str, dict[str, list[str]]] = {
    "recruitment": {
        "agencies": ["HMRC", "HM Treasury", "Cabinet Office", "Financial Reporting Council", "ICO", "CMA"],
        "patterns": ["{agency} is recruiting: Senior Policy Adviser", "Careers at {agency}", "Non-executive director appointed to the {agency} board",
                     "Apply to join the Civil Service Fast Stream", "Chief Executive of {agency} appointed", "Graduate scheme vacancies at {agency}"],
    },
    "procurement": {
        "agencies": ["HMRC", "Cabinet Office", "Crown Commercial Service", "Ministry of Justice", "Department for Work and Pensions"],
        "patterns": ["Contract award notice: {word} services", "Tender: facilities management for {agency} offices",
                     "Procurement pipeline for {word} contracts", "Invitation to tender for research on {word}", "Prior information notice: IT hardware"],
    },
    "statistics": {
        "agencies": ["Office for National Statistics", "HMRC", "Department for Work and Pensions", "HM Treasury", "Bank of England"],
        "patterns": ["Statistics: {word} receipts for {month}", "Labour market overview, UK: {month}", "Consumer price inflation, UK: {month}",
                     "HMRC tax receipts and National Insurance contributions", "Official statistics: {word} annual report",
                     "Public sector finances: {month}", "GDP monthly estimate, UK", "Personal incomes statistics"],
    },
    "minister": {
        "agencies": ["HM Treasury", "Department for Business and Trade", "Cabinet Office", "Home Office"],
        "patterns": ["Chancellor's speech at the {word} summit", "Minister visits {word} businesses in the North East", "Prime Minister's statement on {word}",
                     "Oral statement to Parliament on {word}", "Secretary of State meets {country} counterpart", "Written ministerial statement on {word}"],
    },
    "international": {
        "agencies": ["HM Treasury", "Department for Business and Trade", "Foreign Office", "ICO", "CMA"],
        "patterns": ["G7 finance ministers communique", "UK and {country} sign trade agreement", "Joint statement on {word} cooperation with {country}",
                     "UK delegation attends OECD {word} forum", "Memorandum of understanding with the {country} data protection authority"],
    },
    "individuals": {
        "agencies": ["HMRC", "Department for Work and Pensions", "Financial Conduct Authority"],
        "patterns": ["Self Assessment: file your tax return for individuals", "Check your State Pension forecast", "Child Benefit payments",
                     "Claim Marriage Allowance", "Help to Save for people on Universal Credit", "Tax-free childcare for parents",
                     "Winter Fuel Payment eligibility", "Cost of living support for households", "ISA allowance for savers", "Child Benefit High Income Charge for parents", "State Pension age review",
                     "Universal Credit payments for claimants", "Personal tax account: check your tax code", "Student loan repayments for graduates",
                     "Scam warning: fake {agency} text messages"],
    },
    "disaster_citizens": {
        "agencies": ["Cabinet Office", "Environment Agency", "Department for Levelling Up"],
        "patterns": ["Flood warnings for residents in {place}", "Support for households affected by storms", "Emergency alert test",
                     "Heatwave advice for the public", "Recovery funding for councils after flooding"],
    },
    "sector_specific": {
        "agencies": ["Financial Conduct Authority", "Prudential Regulation Authority", "Ofgem", "Ofwat", "Civil Aviation Authority"],
        "patterns": ["Bank capital requirements: Basel 3.1 implementation", "FCA fines {bank} for market abuse failings", "Water company performance report",
                     "Airline passenger rights enforcement", "Energy price cap for households", "Insurance solvency regime changes"],
    },
    "events_pr": {
        "agencies": ["HMRC", "ICO", "CMA", "Companies House", "HM Treasury"],
        "patterns": ["{agency} annual report and accounts", "{agency} website maintenance this weekend", "Our new office in {place}",
                     "Corporate report: {agency} business plan", "{agency} staff survey results", "Freedom of information release: {word}"],
    },
    "council": {
        "agencies": ["HM Treasury", "Low Pay Commission", "FRC", "ICO", "Office of Tax Simplification"],
        "patterns": ["Minutes of the {word} advisory board meeting", "{agency} board meeting papers: {month}", "Agenda for the {word} stakeholder forum",
                     "Terms of reference of the {word} working group"],
    },
}
NONE_WORDS = ["tax", "pensions", "data", "employment", "digital", "trade", "AI", "payments", "security", "skills", "energy", "fraud"]
PLACES = ["Yorkshire", "Cumbria", "Cornwall", "Leeds", "Glasgow", "Cardiff", "Belfast", "Newcastle"]
COUNTRIES = ["Japan", "India", "Canada", "Australia", "Singapore", "the EU", "South Korea", "Brazil"]
BANKS = ["a retail bank", "an investment firm", "a payments firm", "an insurer"]
NONE_LEADS = ["council,minister,international:The meeting took place on {meet}.",
              "The figures were published on {pub}.", "recruitment:Applications close on {dl}.", "procurement:Tenders must be submitted by {dl}."]
SHARED_SENTENCES = ["Read the full document on GOV.UK.", "Published {pub}.", "This page sets out the details.",
                    "Contact the {agency} press office for more information.", "Last updated {pub}."]
