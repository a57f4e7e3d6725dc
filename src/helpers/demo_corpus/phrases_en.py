"""English phrase banks for the demo corpus (SMA, PKU and FOP communities).

Templates hold slots in braces, filled by :mod:`.text`: ``{drug}``,
``{symptom}``, ``{child}``... (see ``VOCAB`` and ``COMMON``).  Gendered words
are written ``{c:he|she}`` (the child's gender), ``{a:dad|mum}`` (the
author's) and ``{m:he|she}`` (an organisation member's).  Every template is
written for one knowledge type: experiential templates are first-person
stories, mediated ones tell someone else's story in the third person.
All people, places of treatment, numbers and events are fictional.
"""

# Each template is one line of natural text, so some lines are long.
# ruff: noqa: E501

from __future__ import annotations


def _l(block: str) -> list[str]:
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


# --------------------------------------------------------------------------- openings

OPENINGS = {
    "experiential": _l("""
        Honest post tonight.
        Bit of a ramble, sorry.
        Small win today!
        Not sure why I'm posting this but here goes.
        Long day.
        Quick update from me.
        Feeling a bit emotional today.
        Okay, I need to vent for a minute.
        Some good news for once!
        Throwback to a harder time.
        First time posting here, be gentle.
        Just back from {hospital}.
        It's {weekday} and I'm already shattered.
        Can't sleep, so here I am.
        Proud moment.
        Well, that was a week.
        Sharing this in case it helps someone.
        {years} years since my diagnosis today.
        Realistic post, not a highlight reel.
        Sitting in the car park writing this.
    """),
    "mediated_experiential": _l("""
        Proud {a:dad|mum} moment!
        Update on our {child}.
        A quick one about {child}.
        Meet {child}.
        This is {child}.
        {child} update!
        Some news from our house.
        Today {child} did something amazing.
        Our little warrior update.
        A {weekday} update from the {family} household.
        Can I brag for a second?
        Tough week in our house.
    """),
    "medical": _l("""
        New research:
        Study alert 🔬
        Worth a read:
        Interesting paper out this week.
        Trial update:
        For those following the {drug} news:
        Published this week:
        Some science news.
        Research round-up.
        Big news from {regulator}.
        Reading this with my coffee:
        Long read, but important.
    """),
    "practical": _l("""
        Top tip:
        Handy to know:
        PSA:
        Useful info.
        Quick tip for newly diagnosed families:
        Something that helped us:
        For anyone applying for {benefit}:
        Reminder:
        Saving this here for others.
        Learned this the hard way:
        Passing this on:
    """),
    "advocacy": _l("""
        📣 Save the date!
        We need you!
        It's nearly here!
        Please share!
        Only {small} days to go!
        Calling all supporters!
        Big news!
        Get involved:
        Make some noise!
        Today's the day!
        Mark your calendars.
    """),
    "other": _l("""
        Morning all!
        Evening everyone.
        Hello lovely people.
        Happy {weekday}!
        Hi all,
        Hey everyone,
        Just popping in.
    """),
}

# --------------------------------------------------------------------------- first-person stories

EXPERIENTIAL = {
    "diagnosis": _l("""
        It took {years} years and {small} different doctors before anyone said the word {disease} to me.
        I was diagnosed at {adult_age}, after years of being told it was "just growing pains".
        I still remember sitting in the hospital car park after the {test}, unable to drive home.
        When I got my diagnosis I googled everything and scared myself silly. Please don't do that.
        My GP admitted she had never heard of {disease} before she referred me on.
        I spent most of my twenties being told I was unfit, lazy or anxious. Turns out it was {disease}.
        Getting the {test} result was weirdly a relief. At least now I know what I'm dealing with.
        I was the first person with {disease} my consultant had met in {years} years of practice.
        Being diagnosed as an adult means I'm learning everything on my own, at {adult_age}.
        I took the call about the {test} result at my desk and had to walk straight out of the office.
        I was misdiagnosed twice before anyone tested me for {disease}.
        The day I was diagnosed I went home and slept for fourteen hours.
        I kept a folder of every letter from my diagnosis year. It's three inches thick.
    """),
    "treatment_access": _l("""
        I've now been waiting {weeks} weeks for my first {drug} appointment.
        My {drug} was approved after {months} months of letters, appeals and phone calls.
        I had my {ordinal} dose of {dose_drug} today. Still nervous every single time.
        My insurance turned down {drug} again. I'm appealing, but I'm so tired.
        Starting {drug} changed my mornings. I can hold a mug with both hands again.
        I travel {distance} each way for treatment because nowhere closer offers it.
        I was told I'm "too old" to qualify for {drug}. I'm {adult_age}.
        I had to pause {drug} for {weeks} weeks because of side effects and I really felt the difference.
        I've been on {drug} for {years} years now and I still count the days to my next review.
        I spent my lunch break chasing a prescription that was sent to the wrong pharmacy. Again.
        I moved house partly so I could be closer to {hospital} for treatment.
    """),
    "research": _l("""
        I joined a {phase} trial last {month} and I'm glad I did, even with all the travel.
        I've signed up for the patient registry today. It took me ten minutes.
        I spoke at a research meeting this week about what actually matters to me day to day.
        I read the new paper on {drug} three times and I'm still not sure what it means for me.
        I gave blood samples for a natural history study this week. Felt good to be useful.
        I'm cautiously hopeful after reading the new {drug} data, and I'm allowed to be.
        I filled in the research survey and realised nobody had ever asked me those questions before.
        I've been a trial participant for {years} years and I'd do it again tomorrow.
    """),
    "symptoms": _l("""
        My {symptom} has been awful this week and I've barely left the flat.
        I woke up with {symptom} again and had to cancel plans. Again.
        Nobody sees the {symptom}. They see me smiling at work.
        Today's {symptom} level: could not open a jar of peanut butter.
        I've learned to plan my whole day around my energy, or the {symptom} wins.
        I had a bad {symptom} day and I'm allowed to say that out loud.
        I tracked my {symptom} for {weeks} weeks and finally had something to show my {specialist}.
        My {symptom} is always worse in the cold, and it's been freezing.
        I pushed too hard at the weekend and now I'm paying for it with {symptom}.
        Some mornings my body says no before I've even opened my eyes.
    """),
    "caregiving": _l("""
        I haven't slept more than {small} hours in a row since {month}.
        I'm a full-time carer and a part-time everything else.
        I do {small} nights a week of care on my own and I'm running on coffee.
        Some days I'm a {a:dad|mum}, a nurse, a physio and a secretary before 9am.
        I finally asked for respite care and I feel guilty about it, which is ridiculous.
        I cried in the supermarket today because a stranger held the door without being asked.
        I used to work full time. Now my diary is clinic letters and medication times.
        I've learned more about {equipment} settings than I ever wanted to know.
        My partner and I haven't had an evening out together in {months} months.
        I love being a carer and I'm exhausted by it. Both are true.
    """),
    "daily_life": _l("""
        I finished my first week in a new job and nobody made a fuss about my {equipment}. Bliss.
        I managed a whole day at uni without needing a nap. Small wins.
        I went to a gig for the first time in {years} years! The accessible platform was actually good.
        My commute is {small}0 minutes longer because the lift at the station is broken. Again.
        I cooked dinner for friends tonight, first time in ages.
        I booked a holiday and spent {small} hours on the phone checking the room is actually accessible.
        I passed my driving test in an adapted car today!
        I went swimming for the first time since I was {age}.
        I told my new manager about my {disease} and it went better than I feared.
        I painted the spare room, slowly, over {small} weekends. Still counts.
        I've started volunteering at the library on {weekday}s and I love it.
    """),
    "mental_health": _l("""
        I've started seeing a counsellor and it's helping more than I expected.
        I feel invisible in most rooms I walk into.
        I'm lonely in a way that's hard to explain to people who don't live with {disease}.
        I had a panic attack before my clinic appointment this morning.
        I don't post much about the hard days, but today is one of them.
        Finding this community honestly pulled me out of a very dark year.
        I'm learning that grief and hope can live in the same house.
        I get so tired of being brave for everyone else.
        I deleted three drafts of this post before deciding to share it.
        I've stopped apologising for cancelling plans. It took me {years} years.
    """),
    "fundraising": _l("""
        I'm running the {city} 10k for {org_short} and I've never run further than the bus stop.
        I raised {money} with a bake sale at work and I'm so chuffed.
        I'm doing a sponsored silence next week. My family say it's the best fundraiser yet.
        I shaved my head for research today. It's very cold.
        I'm walking {small}0 miles in {month} to raise money for families like mine.
        I organised my first quiz night and we raised {money}. Still buzzing.
    """),
    "awareness": _l("""
        I told my story at my kid's school for Rare Disease Day and the questions were brilliant.
        I wore my zebra stripes to work today and ended up explaining {disease} to half the office.
        I used to hide my diagnosis. This year I'm talking about it.
        I'm one of very few people in {city} with {disease}, so yes, I'm going to keep talking about it.
        I was interviewed on local radio about living with {disease}. My hands were shaking.
        I never thought I'd be the person giving a talk about rare diseases, but here I am.
    """),
    "equipment_benefits": _l("""
        My {bare_benefit} assessment is on {weekday} and I'm dreading it.
        I've been waiting {months} months for my new {equipment}.
        I finally got {benefit} after going to tribunal. Don't give up.
        My {equipment} broke down in the rain today and I waited two hours for help.
        I got my {equipment} approved and I might actually cry.
        I spent my whole lunch break on hold about {benefit}.
        I filled in the {bare_benefit} form for the third time this year.
        My new {equipment} arrived and it's already changed how I get around the house.
    """),
}

# --------------------------------------------------------------------------- third-person stories

MEDIATED = {
    "diagnosis": _l("""
        {child} was diagnosed at {months} months after the {test}. We knew something wasn't right.
        Our {c:son|daughter} {child} was diagnosed with {subtype} {disease} when {c:he|she} was {age}.
        {child}'s diagnosis came after {small} different specialists. {c:He|She} was so patient through it all.
        The day {child} was diagnosed the consultant drew us a diagram on a napkin. We still have it.
        We were told {child} had "low muscle tone" and to wait and see. Waiting was the worst advice we got.
        Our {c:boy|girl} went from crawling to losing skills in a few weeks before anyone listened.
        {child} was {age} when we finally got answers. We'd been asking since {c:he|she} was a baby.
        It's {years} years since {child}'s diagnosis and {c:he|she} has taught us more than any doctor.
        {child}'s {sibling_rel} noticed something was different before any of the grown-ups did.
    """),
    "treatment_access": _l("""
        {child} had {c:his|her} {ordinal} {dose_drug} dose today and was braver than me.
        {child} started {drug} {weeks} weeks ago and can now {milestone}.
        We've been fighting for {months} months to get {child} access to {drug}.
        {child}'s treatment means a {small}-hour round trip to {hospital}, every single time.
        The nurses at {hospital} made {child}'s treatment day feel like a party.
        {child} is on {drug} now and the difference in {c:his|her} energy is real.
        {child}'s {drug} delivery was late again, so we spent the morning on the phone.
        {child} counted down the days to {c:his|her} review at {hospital} like it was Christmas.
    """),
    "research": _l("""
        {child} took part in a natural history study this year and loved the stickers.
        {child}'s samples are part of a research project now. {c:He|She} thinks {c:he|she}'s a scientist.
        Our {c:son|daughter} is in the {phase} trial of {drug}, which means a lot of trips to {city}.
        {child} asked the research nurse so many questions they gave {c:him|her} an honorary lab coat.
        We signed {child} up to the registry today so {c:his|her} data can help the next family.
    """),
    "symptoms": _l("""
        {child} has had {symptom} all week and it's breaking my heart.
        {child} woke up with {symptom} again last night. We're keeping a diary for the {specialist}.
        Bad day for {child}: {symptom} from the moment {c:he|she} woke up.
        {child}'s {symptom} gets worse when {c:he|she}'s tired, so we've cut back on after-school clubs.
        {child} tries so hard to hide the {symptom} from {c:his|her} friends.
        {child} had a rough night with {symptom} but still insisted on going to school.
    """),
    "caregiving": _l("""
        {sibling} helped with {child}'s physio today without being asked.
        Grandma has learned the whole care routine for {child}, which means we finally got a night off.
        {child}'s new carer started this week and {c:he|she} already adores her.
        We do {child}'s stretches every night before bed, {small}0 minutes, no matter what.
        {child}'s {sibling_rel} {sibling} reads {c:him|her} a story every night. It's their thing.
        {child} and {c:his|her} nurse have a secret handshake nobody else is allowed to learn.
    """),
    "daily_life": _l("""
        {child} started at a new school this week and came home full of stories.
        {child} went to {c:his|her} first sleepover!
        {child} has been elected to the school council. Proudest {a:dad|mum} ever.
        {child} tried {activity} today and wants to go again next week.
        {child} is {age} today! Cake, balloons and a very tired family.
        {child} went on the school trip and the staff made sure {c:he|she} didn't miss a thing.
        {child} has a new best friend and they are inseparable.
    """),
    "mental_health": _l("""
        {child} asked me today why {c:he|she} is different. I didn't have a good answer.
        {child} has been anxious about hospital visits lately, so we're working with a play specialist.
        {child}'s friends are the best thing that ever happened to {c:his|her} confidence.
        {child} had a wobble about {c:his|her} diagnosis this week and we talked for hours.
        {child} told {c:his|her} teacher {c:he|she} feels left out at break time. We're working on it.
    """),
    "fundraising": _l("""
        {child} raised {money} with a lemonade stand for {org_short}!
        {child} and {c:his|her} class did a sponsored walk and raised {money}.
        {child}'s school held a non-uniform day and raised {money} for research.
        {child}'s grandad is cycling {small}0 miles for {c:him|her} in {month}.
    """),
    "awareness": _l("""
        {child} gave a talk to {c:his|her} class about {disease} and answered every single question.
        {child} wants everyone to know that {disease} doesn't stop {c:him|her} being silly.
        {child} made a poster about {disease} for Rare Disease Day and it's now on the school wall.
        {child}'s whole class wore stripes today for Rare Disease Day.
    """),
    "equipment_benefits": _l("""
        {child} got {c:his|her} new {equipment} and zoomed straight into the kitchen.
        We're still waiting for {child}'s {equipment}, {months} months later.
        {child}'s {bare_benefit} was finally approved after an appeal.
        {child}'s school has finally fitted a hoist, so {c:he|she} can use the changing room like everyone else.
    """),
}

ORG_MEDIATED = {
    "any": _l("""
        Meet {member}, {member_age}, who was diagnosed with {disease} at {age}.
        {member} has lived with {disease} for {years} years and wanted to share {m:his|her} story with you.
        In {member}'s words: "Nobody expected me to get this far, least of all the first doctor I saw."
        {member} tells us getting {benefit} took {months} months and {small} phone calls.
        This week we're sharing {member}'s story: diagnosis at {age}, a career in {career}, and a lot of determination.
        {member}'s family told us about the day {m:he|she} started {drug} and what changed afterwards.
        {member} is training for the {city} half marathon in {m:his|her} {equipment}, and we couldn't be prouder.
        {member} describes the first year after diagnosis as "a fog", and the community as the way out.
        For {member}, the hardest part of {disease} isn't the {symptom}, it's other people's assumptions.
        {member}'s {m:son|daughter} was diagnosed last year; {m:he|she} says the first call to our helpline changed everything.
    """),
}

# --------------------------------------------------------------------------- medical, practical, advocacy, other

MEDICAL_ORG = {
    "research": _l("""
        A new {phase} trial of {drug} is now recruiting in {country_name}. Eligibility details are on the registry.
        New study in {journal}: {small}0 patients followed for {years} years after starting {drug}.
        Researchers report longer-term data on {drug}, with outcomes that matter to patients.
        A natural history study is looking for adults with {disease}; taking part involves {small} visits a year.
        Early results presented at {conference} suggest {drug} is well tolerated in older patients.
        The patient registry now has more than {big} participants, which makes studies like this possible.
        A new systematic review looked at the evidence for {therapy} in {disease}; the evidence is still limited.
        What the latest data on {drug} actually says, in plain English.
        A new paper on biomarkers in {disease} could help measure response to treatment earlier.
        Our research team summarised this year's key papers on {disease}. Worth a read.
    """),
    "treatment_access": _l("""
        {regulator} has published draft guidance on {drug} for {disease}.
        The European Medicines Agency's committee has issued a positive opinion on {drug} for a wider group.
        Update: {drug} is now available through the managed access agreement; ask your {specialist}.
        The appraisal of {drug} has been delayed. Here's what that means for patients.
        {drug} is now approved for {subtype}; the eligibility criteria are set out in the guidance.
        New guidance on switching between {drug} and {drug2}: what the evidence says.
    """),
    "symptoms": _l("""
        Clinicians remind us that {symptom} in {disease} is common and often under-reported. Mention it at clinic.
        Evidence suggests regular {therapy} may help with {symptom}; talk to your team before starting.
        Updated standards of care recommend a review by the {specialist} at least every {small} months.
        A new study measured {symptom} in {small}0 adults with {disease}; most had never been asked about it.
    """),
    "diagnosis": _l("""
        Newborn screening could mean treatment before symptoms start. New data from the pilot programme.
        Genetic testing for {disease} looks for changes in the {gene} gene. Here's how the test works.
        Average time to diagnosis for {disease} is still around {small} years, according to a new survey.
        A new diagnostic pathway for suspected {disease} has been published for GPs and paediatricians.
    """),
}

MEDICAL_PUBLIC = {
    "research": _l("""
        Has anyone read the new {drug} paper in {journal}? The long-term numbers look encouraging.
        The {phase} trial results for {drug} are out and the effect sizes are modest, honestly.
        Interesting poster at {conference} on {symptom} in adults with {disease}.
        The registry data on {drug} in adults is the first I've seen that includes people like me.
        Gene therapy papers always focus on infants; I'd love to see more data on adults with {disease}.
    """),
    "treatment_access": _l("""
        The {regulator} decision on {drug} is expected next month, according to the committee papers.
        The new guidance says {drug} is only for {subtype}, which leaves a lot of adults out.
        The dosing interval for {drug} can be extended after the loading phase, according to the label.
    """),
    "symptoms": _l("""
        A study last year found that {symptom} affects most adults with {disease} but is rarely treated.
        Our {specialist} said {therapy} has some evidence behind it for {symptom}, though trials are small.
    """),
    "diagnosis": _l("""
        The {test} looks for changes in the {gene} gene, which is why a normal blood panel can miss it.
    """),
}

PRACTICAL_ORG = {
    "equipment_benefits": _l("""
        If you're applying for {benefit}, describe your worst day, not your best. It makes a difference.
        Ask your OT for a home visit before ordering any {equipment}.
        If {benefit} is refused you can ask for a review, and many decisions change at that stage.
        Keep copies of every letter about {benefit}. Every single one.
        Our guide to {benefit} has been updated for {year}: eligibility, forms and what to expect.
        Our equipment grant for {equipment} reopens on {weekday}; applications take about {small}0 minutes.
    """),
    "daily_life": _l("""
        Planning a trip? Request airport assistance at least 48 hours before you fly, with a letter from your {specialist}.
        For school trips, ask for a planning meeting early; it saves a lot of stress later.
        Our accessible days-out list for {city} has {small}0 new venues this year.
        Starting work or uni? Our guide explains reasonable adjustments and how to ask for them.
    """),
    "treatment_access": _l("""
        Before a {procedure}, ask whether a play specialist or numbing cream is available.
        Bring a written list of questions to clinic; they vanish the moment you sit down.
        If your {drug} delivery is late, call the homecare company first, then the hospital pharmacy.
        You can ask for a second opinion at a specialist centre. Our factsheet explains how.
    """),
    "caregiving": _l("""
        Carers can ask for a carer's assessment. Our factsheet explains what to say.
        Ask for a hospital passport for admissions; it saves repeating the whole story every time.
        Our family support workers can help you plan respite. Just get in touch.
        Siblings need support too. Our sibling group meets online every {weekday}.
    """),
    "mental_health": _l("""
        Our peer support calls run every {weekday} at 7.30pm; no need to turn your camera on.
        Feeling isolated? Our buddy scheme matches you with someone who has been there.
        Our counselling service is free for members and their families. Here's how to book.
    """),
    "diagnosis": _l("""
        Newly diagnosed? Our starter pack covers the first weeks: appointments, terms and who to call.
        Ask for a copy of the genetic report; you'll need it later for trials and registries.
        Our helpline can talk you through the diagnosis letter, line by line.
    """),
    "symptoms": _l("""
        Keep a simple symptom diary: date, {symptom}, what helped. Clinics find it really useful.
        Our factsheet on managing {symptom} at home was written with clinicians and families.
    """),
}

PRACTICAL_PUBLIC = {
    "equipment_benefits": _l("""
        Tip: when you fill in the {bare_benefit} form, write about your worst day, not your best.
        If your {equipment} needs repairs, ask the service for a loan one. They don't always offer.
        Charity grants can cover {equipment} when {payer} won't. Worth asking.
        Take photos of every bit of {equipment} the day it arrives. Saved us in a dispute.
    """),
    "daily_life": _l("""
        Batch-cooking on good days has made bad days so much easier.
        Get the school to do a practice fire drill with the {equipment}. Sounds silly, really isn't.
        Accessible parking apps have saved me so much time. Check the reviews first though.
        A shower chair with a cut-out seat was the best thing we bought all year.
    """),
    "treatment_access": _l("""
        Ask the pharmacy to text you when the {drug} order ships. They can, if you ask.
        Bring snacks, chargers and a blanket on treatment day. It's always longer than they say.
        If clinic letters take forever, ask for a copy to be emailed to you.
    """),
    "caregiving": _l("""
        Set phone alarms for every medication. Even when you think you'll remember.
        A shared family calendar stopped us double-booking appointments.
        Ask about direct payments for care. It took us too long to find out.
    """),
    "mental_health": _l("""
        Honestly, the online peer group on {weekday}s has been a lifeline. Give it a try.
        A counsellor who knows chronic illness made a real difference for me. Ask your GP.
    """),
    "diagnosis": _l("""
        Write down every question before the results appointment, and take someone with you.
        Ask the genetics team for the written report. You'll want it later.
    """),
    "symptoms": _l("""
        Heat packs and a pillow between the knees help my {symptom} at night.
        Tracking {symptom} in a phone app helped me spot patterns before clinic.
    """),
}

ADVOCACY_ORG = {
    "fundraising": _l("""
        Our {event} is back on {date}! Sign up and help fund research into {disease}.
        We've raised {money} so far for the family support fund. Thank you!
        Donate, run, bake or shout about it: every bit helps families living with {disease}.
        Team {child} is doing the {city} half marathon for {org_short}. Sponsor them here.
        Our Christmas raffle is open! Tickets are {small_money} each.
        A huge thank you to the {family} family, who raised {money} at their {event}.
        Our summer appeal closes on {date}. Every donation funds a helpline call.
    """),
    "awareness": _l("""
        It's Rare Disease Day! Around 1 in 17 people will be affected by a rare condition at some point in their lives.
        Share your stripes for Rare Disease Day and tag us in your photos.
        This month we're sharing a story from our community every day.
        Landmarks in {city} will light up for {disease} awareness tonight.
        We're at {parliament} today asking decision makers to back faster access to treatment.
        Our new awareness film is out, made with {small} families. Please share it.
        {disease} affects about 1 in {prevalence} people. Most people have never heard of it.
    """),
    "treatment_access": _l("""
        Sign the petition: everyone with {disease} should be able to access {drug}, whatever their age.
        Write to your representative: here's a template letter about access to {drug}.
        We've submitted evidence to the {regulator} appraisal on behalf of {big} families.
        Our survey on access to {drug} closes on {date}. Your answers go straight to decision makers.
    """),
    "research": _l("""
        We've committed {money} to a new research grant on {research_topic}.
        Our research strategy was written with {small}0 members. Thank you for your voices.
        Applications for our {year} research fund are now open to teams working on {disease}.
    """),
}

ADVOCACY_PUBLIC = {
    "fundraising": _l("""
        I'm doing the {city} {event_short} for {org_short} in {month}, any sponsorship hugely appreciated.
        Our family fundraiser for {child}'s {equipment} is live. Every share helps.
        We're holding a {event} on {date} to raise money for research. Come along!
    """),
    "awareness": _l("""
        Please share: most people have never heard of {disease}, and that needs to change.
        Wear stripes for Rare Disease Day and tell someone about a condition they've never heard of.
        Signed the petition for access to {drug}. Took two minutes. Please do too.
        Wrote to my representative about {drug} access today. Template from {org_short}, very easy.
    """),
    "treatment_access": _l("""
        Adults with {disease} deserve access to {drug} too. Sign and share.
        The consultation on {drug} closes on {date}. Patients' voices matter here, please respond.
    """),
}

OTHER_ORG = _l("""
    Good morning everyone! We hope you have a gentle {weekday}.
    Thank you to everyone who came along yesterday. What a day!
    Welcome to all our new followers. We're glad you found us.
    Our office is closed for the holiday; we're back on {weekday}.
    Happy holidays from all of us at {org_short}!
    We've just hit {big} followers. Thank you for being here.
    Thank you to our wonderful volunteers. We couldn't do any of it without you.
    A quiet {weekday} in the office, and lots of cake in the kitchen.
    Happy new year from everyone at {org_short}. Here's to {year}.
    Thank you for sharing this with us.
""")

OTHER_PUBLIC = _l("""
    Love this so much.
    Happy {weekday} everyone, hope it's a good one.
    Coffee and a quiet house. Bliss.
    This made my day.
    Such a lovely thread to read this morning.
    Haha this is so relatable.
    Can't believe it's {month} already.
    Thank you all for the kind messages yesterday.
    Good luck to everyone with appointments this week.
    Morning all, the sun is out in {city}!
    Anyone else watching the match tonight?
    Weekend plans: absolutely nothing and I can't wait.
""")

# --------------------------------------------------------------------------- exchanges

THEME_DETAILS = {
    "diagnosis": _l("""
        Nobody tells you how much paperwork comes with a diagnosis.
        The genetics team were kind, but everything happened so fast.
        We've got a follow-up with the {specialist} in {month}.
        Looking back, the signs were there for years.
        The first appointment felt like learning a new language.
        We still have the leaflet they gave us that day, creased and coffee-stained.
        Friends mean well, but most of them had never heard of {disease}.
        It took {weeks} weeks just to get the results letter.
    """),
    "treatment_access": _l("""
        The pharmacy says the order is "in progress", whatever that means.
        Three phone calls, two emails and one very patient nurse later, it's sorted.
        The day unit is always packed on {weekday}s.
        The next dose is booked for {month}.
        Parking, waiting, paperwork, repeat.
        The delivery window is 7am to 7pm, which is no window at all.
        Our consultant has been pushing for this too, which helps.
    """),
    "research": _l("""
        The research nurse explained every step, which made all the difference.
        Travel costs are covered, which is the only reason we can take part.
        It's slow, but it's the first time in years that things are moving.
        We asked a lot of questions and got honest answers.
        It's a long form, but they say the data really matters.
    """),
    "symptoms": _l("""
        Heat packs, painkillers and a box set.
        The weather doesn't help.
        It's always worse at the end of the week.
        We've started a diary to show the {specialist}.
        Some days it's barely there, other days it runs everything.
        Early night tonight, no arguments.
    """),
    "caregiving": _l("""
        The washing machine has been on all day.
        Tea gone cold, again.
        The rota on our fridge would impress a military planner.
        Night shifts at home don't come with a pay slip.
        Grandparents are worth their weight in gold.
        The care agency cancelled at the last minute, again.
    """),
    "daily_life": _l("""
        The lift was actually working for once.
        We planned the whole route the night before.
        The accessible toilet was clean, which deserves a mention.
        The staff couldn't have been nicer.
        Small things, but they add up.
        Packed lunch, spare clothes and all the chargers.
    """),
    "mental_health": _l("""
        Talking helps, even when it doesn't fix anything.
        Some weeks are heavier than others.
        The group chat has kept us going.
        A walk round the park helped a bit.
        It's okay not to be okay, or so they tell me.
    """),
    "fundraising": _l("""
        Every penny goes to research and family support.
        The cake stall sold out by eleven.
        We're {pct}% of the way to the target.
        The sponsorship page is in the bio.
    """),
    "awareness": _l("""
        Most people had never heard of {disease} until today.
        The questions from the kids were the best bit.
        Stripes everywhere.
        Every conversation counts.
    """),
    "equipment_benefits": _l("""
        The form is {small}0 pages long.
        The assessor had never heard of {disease}.
        We sent the same letter three times.
        The new one is lighter and actually fits in the car.
        The waiting list is {months} months, apparently.
    """),
}

QUESTIONS = {
    "practical": _l("""
        Does anyone know how long {bare_benefit} applications are taking at the moment?
        Has anyone had a {equipment} from the charity grant scheme? How long did it take?
        Any tips for getting the school to take {child}'s needs seriously?
        What do you pack for a {procedure} day? First time for us next week.
        Who do I contact if the {drug} delivery hasn't arrived?
        Is there a peer support group near {city}? Feeling a bit lost.
        Does anyone have a template letter for asking for reasonable adjustments at work?
        How do you explain {disease} to a new employer?
        Can anyone recommend an accessible holiday cottage that actually is accessible?
        Where can I find the form for a carer's assessment?
    """),
    "medical": _l("""
        Has the decision on {drug} for adults come out yet?
        Is anyone in the {phase} {drug} trial? How are you finding it?
        Is {symptom} a known side effect of {drug}? Asking before clinic.
        Does anyone know if the new {drug} data includes people with {subtype}?
        Are there any trials recruiting adults with {disease} right now?
        Has anyone switched from {drug} to {drug2}? What was the process like?
    """),
    "experiential": _l("""
        Does anyone else feel completely drained after clinic days?
        Is it normal to feel angry years after the diagnosis?
        How did you cope with the first year?
        Anyone else find the winter months so much harder?
    """),
}

ORG_ANSWERS = {
    "practical": _l("""
        Thanks for asking! Our factsheet on {benefit} covers this, and our helpline can help with the form.
        Good question. Most families we hear from are waiting {small} to {small2} months at the moment.
        We'd suggest asking your {specialist} for a supporting letter; it often speeds things up.
        Our family support team can help with this. Drop us a message and we'll call you back.
        There's a peer group in {city} that meets monthly; we'll send you the details.
        Yes! Our template letter is in the resources section of our website.
        Sorry to hear this. Please call the homecare provider first, and let us know if it isn't sorted by {weekday}.
    """),
    "medical": _l("""
        Not yet; the committee meets again in {month} and we'll post as soon as we hear.
        The trial is recruiting at {small} sites; the full list is on the trial registry.
        That's a good one to raise with your {specialist}, who knows your history. The product leaflet lists known side effects.
        The published data includes a small group with {subtype}; we've summarised it on our blog.
        There are currently {small} trials open to adults; our research page keeps the list up to date.
    """),
    "other": _l("""
        Thank you so much for sharing this with us.
        We love this! Thank you for being part of our community.
        So glad it helped. Do keep in touch.
        Thank you, that's really kind of you to say.
        That's wonderful to hear. Thank you for letting us know.
        We're always here if you need us.
        Thank you for the kind words, it means a lot to the team.
    """),
}

FOLLOW_UPS = {
    "other": _l("""
        Thank you, that's really helpful!
        Brilliant, thanks for getting back to me so quickly.
        Thanks, I'll give them a call on {weekday}.
        Perfect, just what I needed.
        Thank you! Will report back.
        Oh that's great news, thank you.
    """),
    "experiential": _l("""
        Thanks. We've been waiting {months} months already, so it's good to know we're not the only ones.
        That makes sense. Our {specialist} never mentioned it, so I'll ask at the next appointment.
        Thank you. Honestly I've been feeling really alone with this.
    """),
    "practical": _l("""
        Found it, thanks. For anyone else reading, it's under resources on the website.
        Thanks! I'll ask for a supporting letter from the {specialist} too.
    """),
}

PEER_REPLIES = {
    "other": _l("""
        Sending so much love to you all.
        Thinking of you today.
        You've got this.
        This made me smile so much.
        Oh what a star!
        Hugs from {city}.
        So proud of you.
        Fingers crossed for you.
        Brilliant news!
        Ah, the best update.
        Rooting for you all the way.
        Same here honestly.
        Here if you need to talk.
        Wishing you a calmer week.
        Crying happy tears reading this.
        This community is the best.
        Take care of yourself too.
        You're doing an incredible job.
        Big hugs to you all.
        Oh this is wonderful news.
    """),
    "experiential": _l("""
        Same here. I was diagnosed at {adult_age} and nobody had heard of {disease} either.
        I felt exactly like that in my first year. It does get easier, slowly.
        I had the same with {drug}; the first {weeks} weeks were the hardest for me.
        My {symptom} was terrible last winter too. I'm sorry you're going through it.
        I remember that feeling so well. I cried in the car park too.
        I waited {months} months for my {equipment}, so I really feel this.
    """),
    "mediated_experiential": _l("""
        Our {c:son|daughter} went through the same at {age}. {c:He|She}'s doing really well now.
        This sounds so much like our {child}. {c:He|She} hated the {procedure} too.
        {child} had the same problem with school until we got the {bare_benefit} sorted.
    """),
    "practical": _l("""
        Ask for a supporting letter from your {specialist}, it really helped us.
        Try the charity grant for the {equipment}, took us about {weeks} weeks.
        Write everything down before the appointment. Helped me every time.
        Call the helpline at {org_short}, they were brilliant with our {bare_benefit} form.
        We used a shower chair with arms for ages, made a big difference.
    """),
}

CALL_FOR_STORIES = _l("""
    For Rare Disease Day we want to hear from you: what do you wish people knew about living with {disease}?
    We're collecting your stories for our awareness campaign. Reply with yours, big or small.
    Tell us about a small win this week. We'd love to share some of them.
    What helped you most in the first year after diagnosis? Your answers will go into our new guide.
    Calling all siblings: what's it like growing up with a brother or sister with {disease}? Reply and tell us.
    How has {drug} changed daily life for you or your family? Share your experience with us.
""")

AMPLIFY_COMMENTS = {
    "other": _l("""
        Thank you for sharing this. So many families will recognise themselves here.
        This is exactly why we do what we do. Thank you for telling your story.
        We're so proud of this community. Thank you for your honesty.
        Thank you for letting us share your story.
    """),
    "advocacy": _l("""
        Such a powerful story. Please read and share.
        This is what Rare Disease Day is about. Please share so more people understand {disease}.
        Stories like this change minds. Share it with someone who has never heard of {disease}.
    """),
}

REPLY_OPENERS = {
    "experiential": _l("""
        Same here.
        Oh I feel this.
        This is so familiar.
        Honestly, same.
        I hear you.
        Yes to all of this.
        You're not alone.
    """),
    "mediated_experiential": _l("""
        This could be our house.
        Ours too.
        Reading this with tears.
        Same with our little one.
    """),
    "practical": _l("""
        One thing that helped:
        Tip from us:
        For what it's worth:
        Have you tried this?
    """),
    "medical": _l("""
        Worth knowing:
        From what I've read:
        Our consultant said this too:
    """),
}

QUESTION_CONTEXT = _l("""
    Thanks in advance, this community has been so helpful.
    Sorry if this has been asked before.
    Any experiences welcome, good or bad.
    Our clinic is great but appointments are months apart.
    Trying to get organised before the next review.
""")

QUESTION_OPENERS = _l("""
    Quick question for the group.
    Hoping someone can help.
    Bit of a random one.
    Asking for advice.
""")

MENTION_LINES = _l("""
    {mention} this is what I was telling you about.
    {mention} might know more about this.
    cc {mention}
    {mention} thought of you when I read this.
    {mention} you said the same thing last week!
    Tagging {mention} who has been through this too.
""")

EMAIL_LINES = _l("""
    Happy to chat if it helps, email me at {email}.
    If anyone wants to compare notes, my email is {email}.
    DMs are a bit broken for me, you can reach me on {email}.
""")

PHONE_LINES = _l("""
    Text me on {phone} if you want to talk.
    Feel free to call me on {phone} in the evenings.
    My number is {phone} if you need someone to talk to.
""")

ORG_CONTACT_LINES = _l("""
    Questions? Email us at {org_email} or call our helpline on {org_phone}.
    Our helpline is open weekdays 9-5 on {org_phone}.
    You can reach the team at {org_email}.
""")

LINK_LEADS = {
    "medical": _l("""
        Full paper here:
        More details:
        Plain-language summary:
        Read more:
        Registry entry:
    """),
    "practical": _l("""
        More here:
        Guide:
        Details:
        Factsheet:
    """),
    "advocacy": _l("""
        Sign up here:
        Donate here:
        Sign here:
        Find out more:
        Watch:
    """),
    "other": _l("""
        Have a look:
        Lovely piece:
    """),
}

DETAILS = {
    "experiential": _l("""
        The {specialist} was lovely though.
        Still, small steps.
        Some days are like that.
        Not complaining, just saying.
        Tomorrow's another day.
        {years} years in and it still catches me off guard.
        Anyone else?
        Is it just me?
        Honestly, it's a lot.
        The hospital parking alone costs a fortune.
        I'm lucky to have good people around me.
        Writing it down helps.
    """),
    "mediated_experiential": _l("""
        {c:He|She} is the strongest person I know.
        We're so proud of {c:him|her}.
        {c:He|She} takes it all in {c:his|her} stride.
        Honestly, {c:he|she} amazes us every day.
        {c:His|Her} {sibling_rel} has been amazing too.
        The team at {hospital} have been brilliant.
        One day at a time.
    """),
    "medical": _l("""
        As always, talk to your own clinical team before changing anything.
        Results are early and numbers are small.
        Thank you to the {small}0 families who took part.
        We'll share a plain-language summary soon.
        Questions? Bring them to your next clinic appointment.
    """),
    "practical": _l("""
        Save this for later.
        It took us {months} months to find this out.
        Feel free to message us.
        Please pass it on.
        Hope it helps someone.
    """),
    "advocacy": _l("""
        Please share far and wide.
        Every {small_money} helps.
        Tag someone who'd love to join.
        Thank you for your support.
        Together we're louder.
    """),
    "other": _l("""
        Have a good one.
        Take care all.
        Back to the tea.
    """),
}

REDDIT_TITLES = {
    "experiential": _l("""
        {years} years since my diagnosis, some thoughts
        Finally got my {drug} approved!!
        Bad {symptom} week, needed to vent
        Anyone else feel like this after clinic?
        Small win today
        Starting a new job with {disease}
        Adult with {subtype} here, AMA-ish
        I'm tired of explaining my diet to everyone
        Long post about my first year on {drug}
    """),
    "mediated_experiential": _l("""
        Our {age} year old just started {drug}
        Update on my {c:son|daughter}
        {c:Son|Daughter} starting school, nervous parent here
        Newborn screening came back positive, now what?
        Proud parent post
        Our kiddo's first clinic visit went well
    """),
    "medical": _l("""
        New paper on {drug} in {journal}
        Trial recruiting adults with {disease}
        Question about {drug} side effects
        Anyone read the new {disease} guidelines?
        Long-term {drug} data finally published
    """),
    "practical": _l("""
        Tips for {bare_benefit} paperwork?
        Low-protein recipes that actually taste good
        How do you handle eating out?
        Travel tips with formula and supplies
        Insurance denied {drug}, what worked for you?
    """),
    "advocacy": _l("""
        PKU Day fundraiser, please share
        Petition for {drug} coverage
        Walk for {disease} in {city} this {month}
    """),
    "other": _l("""
        Hi all, new here
        Weekly chat thread
        Thank you to this sub
    """),
}

ORG_STORY_DETAILS = _l("""
    Thank you, {member}, for letting us share this.
    Read the full story on our blog.
    Stories like this are why we do what we do.
    Do you have a story to share? Get in touch.
    We're so grateful to every family who speaks up.
""")

REDDIT_ORG_TITLES = {
    "medical": _l("""
        Research update: new data on {drug}
        Trial recruiting adults with {disease}: details inside
        Plain-language summary of this year's {disease} research
    """),
    "practical": _l("""
        [Resource] Our updated guide to {bare_benefit}
        Free resources for newly diagnosed families
        Reminder: our peer support call is on {weekday}
    """),
    "advocacy": _l("""
        PKU Day walk in {city}: sign up and join us
        Our {drug} access survey is open
        Petition: coverage for {drug} for every adult who needs it
    """),
    "mediated_experiential": _l("""
        Member story: {member}'s first year after diagnosis
        Sharing a member's story (with permission)
    """),
    "other": _l("""
        Welcome to our new members!
        Thank you from the PKU Voices team
    """),
    "call": _l("""
        Tell us your story: what helped you most?
        We're collecting stories for PKU Day
    """),
}

FACEBOOK_SIGNOFFS = _l("""
    With love from all of us at {org_short} 💙
    Thank you for being part of our community.
    Please like and share to help us reach more families.
    Questions? Message the page and we'll get back to you.
""")

# --------------------------------------------------------------------------- disease-specific lines

DISEASE_LINES = {
    "sma": {
        "experiential": _l("""
            My cough assist and I are on first-name terms after this chest infection.
            I had my spinal fusion at 14 and I still get asked if I'm "getting better".
            Transferring from my powerchair in a tiny accessible loo is an Olympic sport.
            I've had {ordinal} lumbar punctures for nusinersen and I still hate the waiting room more than the needle.
            Since starting risdiplam my voice is stronger on the phone. Nobody else notices, I do.
        """),
        "mediated_experiential": _l("""
            {child} rolled over for the first time at {months} months, on risdiplam. We screamed.
            {child} had Zolgensma at {months} months and sat unsupported today.
            {child}'s standing frame is decorated with dinosaur stickers now, {c:his|her} choice.
            {child} drives {c:his|her} powerchair better than I drive the car.
        """),
        "medical": _l("""
            New data on Zolgensma given before symptoms: most children reached motor milestones on time.
            A study compared outcomes after Zolgensma alone and followed by risdiplam; numbers are small.
        """),
        "practical": _l("""
            Get the wheelchair service to check tilt-in-space settings after any growth spurt.
            Ask for a respiratory review before winter; cough assist settings change as kids grow.
        """),
    },
    "pku": {
        "experiential": _l("""
            My phe level came back at {phe} and I'm trying not to beat myself up about it.
            I've been on pegvaliase for {months} months and I ate a normal slice of pizza last week.
            Counting protein exchanges at a work lunch is my least favourite hobby.
            I went off diet in my twenties and the brain fog was unreal. Back on formula now.
            My formula tastes better cold, which is the only good thing I can say about it.
            I'm {adult_age} and still explaining to waiters that no, I can't "just have a little bit" of the chicken.
        """),
        "mediated_experiential": _l("""
            {child}'s phe level was {phe} this week, best in months!
            {child} asked for {c:his|her} own food scale for {c:his|her} birthday. Little scientist.
            {child} took {c:his|her} formula to school without complaining for the first time.
            The heel-prick test picked up {child}'s PKU at 5 days old. We're so grateful for screening.
        """),
        "practical": _l("""
            Low-protein bread freezes really well. Slice it before freezing.
            Ask your clinic about home blood spot kits; saves so many trips.
            Some states cover medical foods by law; check the list before you pay out of pocket.
            Keep a spare formula sachet in every bag. Every single bag.
        """),
    },
    "fop": {
        "experiential": _l("""
            A flare-up in my jaw means soup for the week. Again.
            I was misdiagnosed with cancer at {age} and had a biopsy before anyone thought of FOP.
            My shoulders locked years ago, so I've become an expert at reaching things with tongs.
            Every fall is a risk for me, so icy mornings mean staying in.
            I can't raise my arms above my head, but I can still paint. Slowly, with a long brush.
        """),
        "mediated_experiential": _l("""
            {child} had a flare-up in {c:his|her} back this week and we're keeping {c:him|her} comfortable.
            {child}'s big toes were the first clue, but it took {months} months to get the diagnosis.
            {child}'s dentist now knows all about FOP and why the jaw must be handled so gently.
            {child} started palovarotene this year and we're watching every flare-up closely.
        """),
        "medical": _l("""
            The {phase} trial of garetosmab in FOP has reported results on new bone formation.
            Researchers are studying why ACVR1 variants trigger bone growth after soft-tissue injury.
        """),
        "practical": _l("""
            No intramuscular injections with FOP. Carry the emergency card everywhere.
            Dental work needs special care with FOP; share the guidelines with the dentist beforehand.
            A reacher grabber and a long-handled sponge made mornings so much easier.
        """),
    },
}

# --------------------------------------------------------------------------- vocabulary

COMMON = {
    "weekday": _l("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".replace(" ", "\n")),
    "month": _l("January February March April May June July August September October November December"
                .replace(" ", "\n")),
    "journal": _l("""
        Nature Medicine
        The Lancet Neurology
        the New England Journal of Medicine
        Neurology
        the Orphanet Journal of Rare Diseases
        JAMA Network Open
        Brain
        Genetics in Medicine
    """),
    "phase": _l("""
        phase 3
        phase 2
        phase 1/2
        open-label extension
    """),
    "activity": _l("""
        wheelchair basketball
        horse riding
        drama club
        boccia
        adaptive climbing
        swimming
        Brownies
        Scouts
        sailing
        art club
    """),
    "career": _l("""
        teaching
        law
        graphic design
        accountancy
        software
        nursing
        journalism
        architecture
    """),
    "ordinal": _l("""
        4th
        6th
        9th
        12th
        15th
        20th
        30th
    """),
    "sibling_rel": _l("""
        big sister
        big brother
        little sister
        little brother
    """),
    "event": _l("""
        sponsored walk
        quiz night
        charity ball
        fun run
        bake sale
        family fun day
        golf day
        sponsored swim
    """),
    "event_short": _l("""
        half marathon
        10k
        night walk
        bike ride
        swim
    """),
    "research_topic": _l("""
        fatigue in adults
        quality of life
        outcomes after treatment
        mental health and wellbeing
        early diagnosis
        transition to adult care
    """),
}

VOCAB = {
    "sma": {
        "disease": ["SMA", "SMA", "spinal muscular atrophy"],
        "drug": ["nusinersen", "risdiplam", "Spinraza", "Evrysdi"],
        "dose_drug": ["nusinersen", "Spinraza"],
        "payer": ["the NHS"],
        "parliament": ["Westminster"],
        "symptom": ["fatigue", "muscle weakness", "scoliosis pain", "chest infections",
                    "swallowing difficulties", "tight hamstrings", "hand cramps", "breathing problems"],
        "specialist": ["neuromuscular consultant", "respiratory physio", "neurologist",
                       "orthopaedic surgeon", "OT", "physio"],
        "hospital": ["the children's hospital in {city}", "our regional neuromuscular centre",
                     "{city} General", "the neuromuscular service in {city}"],
        "equipment": ["powerchair", "cough assist machine", "standing frame", "ceiling hoist",
                      "BiPAP machine", "wheelchair-accessible van", "shower chair", "night splints"],
        "benefit": ["PIP", "DLA", {"": "a Blue Badge", "bare": "Blue Badge"},
                    {"": "an EHCP", "bare": "EHCP"}, "Motability", "Carer's Allowance",
                    {"": "a Disabled Facilities Grant", "bare": "Disabled Facilities Grant"}],
        "therapy": ["hydrotherapy", "physiotherapy", "occupational therapy", "stretching programmes"],
        "test": ["genetic test", "SMN1 test", "EMG", "newborn screening test"],
        "procedure": ["lumbar puncture", "spinal fusion review", "sleep study", "loading dose"],
        "subtype": ["type 1", "type 2", "type 3", "later-onset"],
        "regulator": ["NICE", "the MHRA"],
        "gene": ["SMN1"],
        "conference": ["the SMA Europe congress", "the World Muscle Society meeting", "Cure SMA's conference"],
        "milestone": ["hold a cup on {c:his|her} own", "sit for a whole story", "lift {c:his|her} arms to wave",
                      "drive {c:his|her} powerchair down the corridor"],
        "prevalence": ["10,000"],
        "city": ["Leeds", "Manchester", "Bristol", "Newcastle", "Glasgow", "Cardiff", "Birmingham",
                 "Sheffield", "Nottingham", "Oxford", "London", "Belfast", "Norwich", "Exeter", "York"],
        "country_name": ["the UK"],
        "distance": ["{small}0 miles", "two hours", "three hours on the train"],
    },
    "pku": {
        "disease": ["PKU", "PKU", "phenylketonuria"],
        "drug": ["sapropterin", "pegvaliase", "Kuvan", "Palynziq", "sepiapterin"],
        "dose_drug": ["pegvaliase", "Palynziq"],
        "payer": ["insurance"],
        "parliament": ["Capitol Hill"],
        "symptom": ["brain fog", "headaches", "anxiety", "low mood", "trouble concentrating",
                    "irritability", "tremor", "fatigue"],
        "specialist": ["metabolic dietitian", "metabolic doctor", "geneticist", "psychologist"],
        "hospital": ["the metabolic clinic in {city}", "{city} Children's", "our metabolic center",
                     "the PKU clinic at {city} University Hospital"],
        "equipment": ["phe monitoring kit", "digital food scale", "formula shaker", "blood spot kit",
                      "protein counting app"],
        "benefit": ["formula coverage", {"": "a 504 plan", "bare": "504 plan"}, "SSI",
                    {"": "an IEP", "bare": "IEP"},
                    {"": "the state medical food program", "bare": "medical food program"},
                    {"": "a prior authorization", "bare": "prior authorization"}],
        "therapy": ["diet review", "counseling", "CBT", "large neutral amino acids"],
        "test": ["newborn screening", "heel-prick test", "blood phe test", "BH4 responsiveness test"],
        "procedure": ["blood draw", "phe level check", "injection training", "diet diary review"],
        "subtype": ["classic PKU", "mild PKU", "hyperphenylalaninemia"],
        "regulator": ["the FDA"],
        "gene": ["PAH"],
        "conference": ["the national PKU conference", "SSIEM", "the metabolic dietitians' meeting"],
        "milestone": ["measure {c:his|her} own formula", "read food labels by {c:him|her}self",
                      "do {c:his|her} own blood spot"],
        "prevalence": ["10,000 to 15,000"],
        "city": ["Boston", "Denver", "Atlanta", "Seattle", "Chicago", "Houston", "Minneapolis",
                 "Portland", "Philadelphia", "Phoenix", "Columbus", "Raleigh", "Omaha", "Tucson"],
        "country_name": ["the US"],
        "distance": ["{small}0 miles", "three hours", "a full day"],
    },
    "fop": {
        "disease": ["FOP", "FOP", "fibrodysplasia ossificans progressiva"],
        "drug": ["palovarotene", "Sohonos"],
        "dose_drug": ["palovarotene"],
        "payer": ["the NDIS"],
        "parliament": ["Parliament House in Canberra"],
        "symptom": ["flare-ups", "swelling", "jaw stiffness", "reduced mobility", "hip pain",
                    "shoulder stiffness", "fatigue", "back pain"],
        "specialist": ["FOP specialist", "rheumatologist", "endocrinologist", "OT", "GP"],
        "hospital": ["the Royal {city} Hospital", "the children's hospital in {city}",
                     "the bone clinic in {city}"],
        "equipment": ["long-handled reacher", "adapted car seat", "raised toilet seat", "shower chair",
                      "sock aid", "electric recliner", "modified cutlery"],
        "benefit": [{"": "the NDIS", "bare": "NDIS"}, "Carer Payment",
                    {"": "a Companion Card", "bare": "Companion Card"},
                    {"": "the Disability Support Pension", "bare": "Disability Support Pension"},
                    {"": "an NDIS plan review", "bare": "NDIS plan review"}],
        "therapy": ["hydrotherapy", "occupational therapy", "gentle physiotherapy"],
        "test": ["ACVR1 genetic test", "X-ray", "CT scan"],
        "procedure": ["dental check", "flare-up review", "low-dose CT scan"],
        "subtype": ["classic FOP", "variant FOP"],
        "regulator": ["the TGA"],
        "gene": ["ACVR1"],
        "conference": ["the international FOP drug development forum", "the ASBMR meeting"],
        "milestone": ["walk to the letterbox", "feed {c:him|her}self with the adapted spoon",
                      "get in the car without help"],
        "prevalence": ["1 million"],
        "city": ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Hobart", "Newcastle",
                 "Geelong", "Canberra", "Darwin", "Wollongong", "Townsville", "Ballarat"],
        "country_name": ["Australia"],
        "distance": ["{small}00 km", "four hours", "a flight and a night in a hotel"],
    },
}

HASHTAGS = {
    "sma": ["SMA", "SpinalMuscularAtrophy", "SMAawareness", "RareDisease", "disability", "SMAStrong"],
    "pku": ["PKU", "phenylketonuria", "PKUawareness", "RareDisease", "lowprotein", "PKUlife"],
    "fop": ["FOP", "FOPawareness", "RareDisease", "ultrarare", "disability", "FOPfamily"],
}
EVENT_HASHTAGS = {
    "rdd": ["RareDiseaseDay", "RareDiseaseDay", "ShowYourStripes"],
    "sma": ["SMAAwarenessMonth"],
    "pku": ["PKUDay", "InternationalPKUDay"],
    "fop": ["FOPDay"],
}

EMOJI = {
    "experiential": ["💙", "💪", "😔", "🙏", "❤️", "😴", "🥲", "😅", "✨"],
    "mediated_experiential": ["💙", "🥰", "💪", "🎉", "❤️", "🌈", "⭐"],
    "medical": ["🔬", "📄", "💊", "🧬", "📊"],
    "practical": ["💡", "📝", "♿", "👉", "📌"],
    "advocacy": ["🎗️", "🏃‍♀️", "💜", "🎉", "📣", "🦓"],
    "other": ["😊", "🙏", "💐", "☕", "🌞", "💙"],
}
