"""The scenarios, one method each: who starts a thread, who answers, shares or quotes it."""

from __future__ import annotations

from datetime import timedelta

from helpers.demo_corpus.model import Account
from helpers.demo_corpus.scenarios.community import Community
from helpers.demo_corpus.scenarios.knowledge_types import (
    AMPLIFY_KT,
    FOLLOW_UP_KT,
    PARENT_KINDS,
    PEER_REPLY_KT,
    QUESTION_KT,
    STORY_KT,
    _choice,
)

SCENARIO_WEIGHTS = {
    "twitter": {
        "broadcast": 0.29,
        "dialogue": 0.21,
        "peer_exchange": 0.35,
        "amplification": 0.12,
        "call_for_stories": 0.03,
    },
    "mastodon": {
        "broadcast": 0.29,
        "dialogue": 0.23,
        "peer_exchange": 0.34,
        "amplification": 0.11,
        "call_for_stories": 0.03,
    },
    "facebook": {"broadcast": 0.56, "peer_page": 0.20, "amplification": 0.20, "call_for_stories": 0.04},
    "reddit": {"peer_exchange": 0.68, "dialogue": 0.17, "broadcast": 0.10, "call_for_stories": 0.05},
    "bluesky": {"broadcast": 0.50, "dialogue": 0.27, "amplification": 0.23},
}


class ThreadsMixin:
    """Part of :class:`~helpers.demo_corpus.scenarios.world.World`: one instance of a scenario."""

    def scenario(self, c: Community) -> None:
        """Generate one scenario instance in community ``c``."""
        name = _choice(c.rng, SCENARIO_WEIGHTS[c.platform])
        getattr(self, f"_{name}")(c, self._new_sid(c))

    def _broadcast(self, c: Community, sid: str) -> None:
        t0 = c.calendar.start(c.rng, org_hours=True)
        kt = self.org_kt(c, t0)
        style = "post"
        root = self.post(c, c.org_account, t0, kt, scenario="broadcast", sid=sid, style=style)
        if root is None or c.platform not in ("twitter", "mastodon"):
            return
        for _ in range(c.rng.choices([0, 1, 2, 3], [0.45, 0.3, 0.15, 0.1])[0]):
            self.share(c, c.person(), root, self.delay(c, t0, "share"), scenario="broadcast", sid=sid)

    def _peer_page(self, c: Community, sid: str) -> None:
        page = c.rng.choice(c.peers)
        t0 = c.calendar.start(c.rng, org_hours=True)
        kt = _choice(c.rng, {"medical": 0.4, "advocacy": 0.3, "practical": 0.2, "other": 0.1})
        self.post(c, page, t0, kt, scenario="peer_page", sid=sid)

    def _dialogue(self, c: Community, sid: str) -> None:
        if c.platform == "bluesky":
            self._bluesky_dialogue(c, sid)
            return
        rng, org = c.rng, c.org_account
        asker = c.person()
        t0 = c.calendar.start(rng)
        if c.platform == "reddit" or rng.random() < 0.75:
            q_kt = _choice(rng, QUESTION_KT)
            mention_org = c.platform != "reddit" or rng.random() < 0.35
            lead = [org] if mention_org and c.platform != "reddit" else None
            mentions = [org] if mention_org and c.platform == "reddit" else None
            first = self.post(
                c,
                asker,
                t0,
                q_kt,
                scenario="dialogue",
                sid=sid,
                style="question",
                lead=lead,
                mentions=mentions,
                link_p=0.03,
            )
            answer_kt = {"practical": "practical", "medical": "medical"}.get(q_kt, "practical")
        else:  # the organisation posts, someone asks about it, the organisation answers
            opener = self.post(
                c,
                org,
                c.calendar.start(rng, org_hours=True),
                _choice(rng, {"practical": 0.5, "medical": 0.3, "advocacy": 0.2}),
                scenario="dialogue",
                sid=sid,
            )
            if opener is None:
                return
            q_kt = _choice(rng, QUESTION_KT)
            first = self.post(
                c,
                asker,
                self.delay(c, opener.created_at),
                q_kt,
                scenario="dialogue",
                sid=sid,
                style="question",
                parent=opener,
                lead=self._lead(c, opener),
                link_p=0.0,
            )
            answer_kt = {"practical": "practical", "medical": "medical"}.get(q_kt, "practical")
        if first is None:
            return
        if rng.random() < 0.15:
            answer_kt = "other"
        answer = self.post(
            c,
            org,
            self.delay(c, first.created_at, "org"),
            answer_kt,
            scenario="dialogue",
            sid=sid,
            style="answer",
            parent=first,
            lead=self._lead(c, first),
        )
        if answer is None or rng.random() > 0.7:
            return
        follow = self.post(
            c,
            first.author,
            self.delay(c, answer.created_at),
            _choice(rng, FOLLOW_UP_KT),
            scenario="dialogue",
            sid=sid,
            style="followup",
            parent=answer,
            lead=self._lead(c, answer),
        )
        if follow is not None and rng.random() < 0.35:
            self.post(
                c,
                org,
                self.delay(c, follow.created_at, "org"),
                "other",
                scenario="dialogue",
                sid=sid,
                style="answer",
                parent=follow,
                lead=self._lead(c, follow),
            )
        if rng.random() < 0.3:
            other = c.person(exclude=(first.author,))
            self.post(
                c,
                other,
                self.delay(c, first.created_at),
                _choice(rng, PEER_REPLY_KT),
                scenario="dialogue",
                sid=sid,
                style="reply",
                parent=first,
                lead=self._lead(c, first),
            )

    def _peer_exchange(self, c: Community, sid: str) -> None:
        rng = c.rng
        author = c.person()
        t0 = c.calendar.start(rng)
        deleted_root = c.platform in ("twitter", "mastodon", "reddit") and rng.random() < 0.04
        mentions = [c.person(exclude=(author,))] if rng.random() < 0.08 else None
        root = self.post(
            c,
            author,
            t0,
            self.public_kt(c, author, t0),
            scenario="peer_exchange",
            sid=sid,
            mentions=mentions,
            in_export=not deleted_root,
        )
        if root is None:
            return
        if deleted_root:
            root.extra["deleted"] = True
        n_replies = rng.choices(range(9), [0.26, 0.22, 0.17, 0.12, 0.09, 0.06, 0.04, 0.02, 0.02])[0]
        if deleted_root:
            n_replies = max(1, n_replies)
        self._replies(c, root, n_replies, "peer_exchange", sid)
        if c.platform in ("twitter", "mastodon") and rng.random() < 0.18 and not deleted_root:
            self.share(
                c,
                c.person(exclude=(author,)),
                root,
                self.delay(c, t0, "share"),
                scenario="peer_exchange",
                sid=sid,
            )

    def _amplification(self, c: Community, sid: str) -> None:
        rng, org = c.rng, c.org_account
        if c.platform == "facebook":
            page = rng.choice(c.family_pages)
            t0 = c.calendar.start(rng)
            story = self.post(c, page, t0, "mediated_experiential", scenario="amplification", sid=sid)
            if story is not None:
                when = story.created_at + timedelta(hours=rng.randint(6, 96), minutes=rng.randrange(60))
                self.share(
                    c,
                    org,
                    story,
                    when,
                    scenario="amplification",
                    sid=sid,
                    comment_kt=_choice(rng, AMPLIFY_KT),
                )
            return
        author = c.person(kinds=PARENT_KINDS if rng.random() < 0.45 else ())
        t0 = c.calendar.start(rng)
        kt = "mediated_experiential" if author.kind in PARENT_KINDS and rng.random() < 0.5 else "experiential"
        context = c.platform == "bluesky"
        story = self.post(c, author, t0, kt, scenario="amplification", sid=sid, in_export=not context)
        if story is None:
            return
        if not context:
            self._replies(c, story, rng.choice([0, 0, 1, 2]), "amplification", sid)
        if c.platform in ("twitter", "bluesky") and rng.random() < 0.35:
            self.post(
                c,
                org,
                self.delay(c, t0, "share"),
                _choice(rng, AMPLIFY_KT),
                scenario="amplification",
                sid=sid,
                style="amplify",
                theme=story.theme,
                quoted=story,
                reserve=24 if c.platform == "twitter" else 0,
            )
        else:
            self.share(c, org, story, self.delay(c, t0, "share"), scenario="amplification", sid=sid)

    def _call_for_stories(self, c: Community, sid: str) -> None:
        rng, org = c.rng, c.org_account
        t0 = c.calendar.start(rng, org_hours=True)
        call = self.post(
            c, org, t0, "advocacy", scenario="call_for_stories", sid=sid, style="call", theme="awareness"
        )
        if call is None:
            return
        if c.platform == "facebook":
            for _ in range(rng.randint(1, 3)):
                when = call.created_at + timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 6))
                self.post(c, org, when, "mediated_experiential", scenario="call_for_stories", sid=sid)
            return
        answers = []
        for _ in range(rng.randint(2, 6)):
            author = c.person()
            kt = _choice(rng, STORY_KT)
            if author.kind not in PARENT_KINDS:
                kt = "experiential"
            answer = self.post(
                c,
                author,
                self.delay(c, call.created_at),
                kt,
                scenario="call_for_stories",
                sid=sid,
                style="reply",
                parent=call,
                lead=self._lead(c, call),
            )
            if answer is not None:
                answers.append(answer)
        if c.platform == "reddit":
            if answers and rng.random() < 0.5:
                self._replies(
                    c,
                    answers[0],
                    rng.randint(1, 2),
                    "call_for_stories",
                    sid,
                    kts={"other": 0.7, "experiential": 0.3},
                )
            return
        for answer in rng.sample(answers, k=min(len(answers), rng.randint(1, 2))):
            self.share(
                c,
                org,
                answer,
                self.delay(c, answer.created_at, "share"),
                scenario="call_for_stories",
                sid=sid,
            )

    def _bluesky_dialogue(self, c: Community, sid: str) -> None:
        """On the organisation's author feed only its replies are records; questions are context."""
        rng, org = c.rng, c.org_account
        asker = c.person()
        t0 = c.calendar.start(rng)
        q_kt = _choice(rng, QUESTION_KT)
        question = self.post(
            c,
            asker,
            t0,
            q_kt,
            scenario="dialogue",
            sid=sid,
            style="question",
            mentions=[org] if rng.random() < 0.6 else None,
            in_export=False,
            link_p=0.03,
        )
        if question is None:
            return
        if rng.random() < 0.04:
            question.extra["deleted"] = True
        answer_kt = {"practical": "practical", "medical": "medical"}.get(q_kt, "other")
        answer = self.post(
            c,
            org,
            self.delay(c, t0, "org"),
            answer_kt,
            scenario="dialogue",
            sid=sid,
            style="answer",
            parent=question,
        )
        if answer is None or rng.random() > 0.45 or question.extra.get("deleted"):
            return
        follow = self.post(
            c,
            asker,
            self.delay(c, answer.created_at),
            _choice(rng, FOLLOW_UP_KT),
            scenario="dialogue",
            sid=sid,
            style="followup",
            parent=answer,
            in_export=False,
        )
        if follow is not None:
            self.post(
                c,
                org,
                self.delay(c, follow.created_at, "org"),
                "other",
                scenario="dialogue",
                sid=sid,
                style="answer",
                parent=follow,
            )

    def _bridge_post(self, c: Community, bridge: Account) -> None:
        """A guaranteed post of a bridging person, with a reply from the community."""
        sid = self._new_sid(c)
        t0 = c.calendar.start(c.rng)
        root = self.post(
            c,
            bridge,
            t0,
            c.rng.choice(["experiential", "advocacy", "practical"]),
            scenario="peer_exchange",
            sid=sid,
        )
        if root is not None:
            self._replies(c, root, 1, "peer_exchange", sid)
