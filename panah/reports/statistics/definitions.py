"""Each figure's name and definition in Persian and English (pure data): what is counted,
which time decides its Iran day, and which province counts it. The statistics page links
every figure here; the report and the exports print them.

Each value: (name_fa, name_en, definition_fa, definition_en).
"""

from __future__ import annotations

_DAY_FA = "روز هر تماس روزِ ایرانِ زمان عرضهٔ آن به وقت تهران است"
_DAY_EN = "a contact's day is the Iran (Tehran time) day it was offered"
_PLACE_FA = ("و در استان و شهرستانی شمرده می‌شود که تماس به آن تعلق دارد (محل تماس‌گیرنده)، "
             "هر کس که پاسخ داده باشد")
_PLACE_EN = ("and it counts in the province and county the contact belongs to (the caller's "
             "location), whoever answered it")
_CAT_FA = ("در تفکیک بر پایهٔ دسته، تماسی که دو دسته دارد در هر دو شمرده می‌شود و در جمع "
           "کل یک بار")
_CAT_EN = ("split by category, a contact with two categories counts in both (and once in "
           "the total)")


def _contact(fa: str, en: str) -> tuple[str, str]:
    return (f"{fa}؛ {_DAY_FA} {_PLACE_FA}. {_CAT_FA}.",
            f"{en}; {_DAY_EN}, {_PLACE_EN}. {_CAT_EN}.")


DEFINITIONS: dict[str, tuple[str, str, str, str]] = {
    "contacts_offered": ("تماس‌های عرضه‌شده", "Contacts offered", *_contact(
        "همهٔ تماس‌هایی که به خط ۱۲۳ رسیدند (تلفن، پیامک، گفتگوی وب، گزارش وب، مراجعهٔ "
        "حضوری، دستگاه همکار)؛ تماسی که به استان دیگر یا صف ملی سرریز شد فقط یک بار، در "
        "استان خودش، شمرده می‌شود",
        "every contact that reached the 123 line (call, SMS, web chat, web report, walk-in, "
        "partner hand-over); a contact that overflowed to another province or the national "
        "pool counts once, in its own province")),
    "contacts_answered": ("تماس‌های پاسخ‌داده‌شده", "Contacts answered", *_contact(
        "تماس‌هایی که کارشناسی به آن پاسخ داد (زمان پاسخ ثبت شده است)",
        "contacts a counsellor answered (an answer time is recorded)")),
    "abandoned": ("تماس‌های رهاشده", "Abandoned", *_contact(
        "تماس‌هایی که تماس‌گیرنده پیش از پاسخ رها کرد و هرگز پاسخ نگرفت",
        "contacts the caller abandoned before an answer and that were never answered")),
    "answered_within_20s": ("پاسخ در ۲۰ ثانیه", "Answered within 20 s", *_contact(
        "تماس‌هایی که فاصلهٔ عرضه تا پاسخ آن‌ها ۲۰ ثانیه یا کمتر بود",
        "contacts answered 20 seconds or less after they were offered")),
    "answered_within_20s_pct": ("سطح خدمت (٪ پاسخ در ۲۰ ثانیه)",
                                "Service level (% answered within 20 s)", *_contact(
        "پاسخ در ۲۰ ثانیه تقسیم بر (پاسخ‌داده‌شده + رهاشده)، به درصد؛ بی‌مخرج: تهی",
        "answered within 20 s ÷ (answered + abandoned), as a percentage; none when nothing "
        "to divide by")),
    "abandoned_pct": ("نرخ رهاشدن (٪)", "Abandonment rate (%)", *_contact(
        "رهاشده تقسیم بر (پاسخ‌داده‌شده + رهاشده)، به درصد",
        "abandoned ÷ (answered + abandoned), as a percentage")),
    "average_speed_of_answer_s": ("میانگین سرعت پاسخ (ثانیه)",
                                  "Average speed of answer (s)", *_contact(
        "میانگین فاصلهٔ زمان عرضه تا زمان پاسخ تماس‌های پاسخ‌داده‌شده، به ثانیه",
        "the mean time from offered to answered over the answered contacts, in seconds")),
    "average_handling_time_s": ("میانگین زمان رسیدگی (ثانیه)",
                                "Average handling time (s)", *_contact(
        "میانگین فاصلهٔ پاسخ تا پایان کار (جمع‌بندی، یا بستن اگر جمع‌بندی نداشت) در "
        "تماس‌های پاسخ‌داده‌شده‌ای که به پایان رسیده‌اند، به ثانیه",
        "the mean time from answer to wrap-up (or to closing, if there was no wrap-up) over "
        "answered contacts that have ended, in seconds")),
    "repeat_contacts": ("تماس‌های تکراری", "Repeat contacts", *_contact(
        "تماس‌هایی که همان شمارهٔ تماس‌گیرنده (به شکل درهم‌سازی‌شده) در ۷ روز پیش از آن "
        "تماس دیگری، در هر استانی، داشته است",
        "contacts whose caller (by the keyed hash of their number) had another contact, in "
        "any province, in the 7 days before")),
    "callbacks": ("تماس‌های برگشتی", "Callbacks",
                  "تماس‌های برگشتی که برای تماس‌های رهاشده ساخته شدند؛ روز: روز ایرانِ "
                  "ساخته‌شدن تماس برگشتی؛ استان و شهرستان: آنِ تماس اصلی.",
                  "callbacks created for abandoned contacts; the day is the Iran day the "
                  "callback was created; the province and county are the original contact's."),
    "callbacks_in_time": ("تماس برگشتی به‌موقع", "Callbacks in time",
                          "تماس‌های برگشتی که نخستین تلاش برای آن‌ها در موعد یا پیش از آن "
                          "انجام شد؛ روز و استان مانند «تماس‌های برگشتی».",
                          "callbacks whose first attempt was at or before the time they were "
                          "due; day and province as for callbacks."),
    "callbacks_in_time_pct": ("٪ تماس برگشتی به‌موقع", "Callbacks in time (%)",
                              "تماس برگشتی به‌موقع تقسیم بر همهٔ تماس‌های برگشتی، به درصد.",
                              "callbacks in time ÷ callbacks, as a percentage."),
    "overflow_out": ("سرریز به بیرون", "Overflow out",
                     "تماس‌های این استان که کارشناس استان دیگر یا صف ملی (کارشناس بی‌استان) "
                     "پاسخ داد؛ در استان خود تماس شمرده می‌شود؛ روز: روز عرضهٔ تماس. این "
                     "تماس‌ها در «عرضه‌شده» و «پاسخ‌داده‌شده» نیز فقط یک بار و در همین استان "
                     "هستند.",
                     "this province's contacts answered by a counsellor of another province or "
                     "of the national pool (a counsellor with no province); counted in the "
                     "contact's own province, on the day it was offered. They are offered and "
                     "answered once, in that same province."),
    "overflow_in": ("سرریز به درون", "Overflow in",
                    "تماس‌های استان‌های دیگر که کارشناسان این استان پاسخ دادند؛ در استانِ "
                    "پاسخ‌دهنده شمرده می‌شود؛ روز: روز عرضهٔ تماس. تفکیک شهرستانی ندارد.",
                    "other provinces' contacts answered by this province's counsellors; "
                    "counted in the answering province, on the day the contact was offered. "
                    "Not split by county."),
    "team_requests": ("درخواست تیم سیار", "Mobile team requests",
                      "درخواست‌های اعزام تیم سیار که کارشناس خط برای یک تماس ثبت کرد؛ روز: "
                      "روز ثبت درخواست؛ استان و شهرستان: محلی که تیم به آن خواسته شد.",
                      "mobile-team requests a counsellor made for a contact; the day is the "
                      "Iran day of the request; the province and county are where the team "
                      "was asked to go."),
    "arrival_median_min": ("میانهٔ زمان تماس تا رسیدن (دقیقه)",
                           "Call-to-arrival, median (min)",
                           "برای هر مأموریتی که از یک تماس ساخته شد: از زمان عرضهٔ تماس تا "
                           "نخستین گزارش «در محل» یک تیم در آن مأموریت، به دقیقه؛ میانه. روز: "
                           "روز عرضهٔ تماس؛ استان و شهرستان: محل مأموریت.",
                           "for each incident made from a contact: from the contact being "
                           "offered to the first 'on scene' a unit reported for that incident, "
                           "in minutes; the median. The day is the contact's offered day; the "
                           "province and county are the incident's."),
    "arrival_p90_min": ("صدک ۹۰ زمان تماس تا رسیدن (دقیقه)",
                        "Call-to-arrival, 90th percentile (min)",
                        "مانند میانه، صدک نودم (درون‌یابی خطی میان نزدیک‌ترین رتبه‌ها).",
                        "as the median, the 90th percentile (linear interpolation between the "
                        "closest ranks)."),
    "referrals": ("ارجاع‌ها", "Referrals",
                  "ارجاع‌ها به دستگاه‌های همکار؛ روز: روز ثبت ارجاع؛ استان و شهرستان: آنِ "
                  "تماس ارجاع‌شده.",
                  "referrals to partner agencies; the day is the Iran day the referral was "
                  "made; the province and county are the referred contact's."),
    "referrals_ack_in_time": ("ارجاع با تأیید به‌موقع", "Referrals acknowledged in time",
                              "ارجاع‌هایی که دستگاه همکار در موعد تأیید یا پیش از آن دریافت "
                              "یا درباره‌اش تصمیم گرفت؛ روز و استان مانند «ارجاع‌ها».",
                              "referrals the agency received or decided at or before the "
                              "acknowledgement was due; day and province as for referrals."),
    "referrals_ack_in_time_pct": ("٪ ارجاع با تأیید به‌موقع",
                                  "Referrals acknowledged in time (%)",
                                  "ارجاع با تأیید به‌موقع تقسیم بر ارجاع‌ها، به درصد.",
                                  "referrals acknowledged in time ÷ referrals, as a "
                                  "percentage."),
    "cases_opened": ("پرونده‌های گشوده", "Cases opened",
                     "پرونده‌های مددکاری گشوده‌شده؛ روز: روز گشایش؛ استان و شهرستان: آنِ "
                     "پرونده.",
                     "case files opened; the day is the Iran day it was opened; the province "
                     "and county are the case's."),
    "cases_closed": ("پرونده‌های بسته", "Cases closed",
                     "پرونده‌های بسته‌شده؛ روز: روز بسته‌شدن؛ استان و شهرستان: آنِ پرونده.",
                     "case files closed; the day is the Iran day it was closed; the province "
                     "and county are the case's."),
    "shelter_bed_nights": ("شب-تخت اشغال‌شده", "Shelter bed-nights",
                           "برای هر روز، شمار تخت‌های خانه‌های امن که کسی با پذیرش در آن "
                           "بود (روز خروج هم شمرده می‌شود؛ هر تخت روزی یک بار)، جمع روزها؛ "
                           "استان و شهرستان: آنِ خانهٔ امن.",
                           "for each day, the shelter beds someone checked in used (the "
                           "check-out day counts too; a bed once a day), summed over the "
                           "days; the province and county are the shelter's."),
    "shelter_occupancy_pct": ("اشغال خانه‌های امن (٪)", "Shelter occupancy (%)",
                              "شب-تخت اشغال‌شده تقسیم بر شب-تخت موجود (تخت‌های فعال هر روز)، "
                              "به درصد.",
                              "bed-nights used ÷ bed-nights available (each day's active "
                              "beds), as a percentage."),
    "base_sessions": ("جلسه‌های پایگاه", "Base sessions",
                      "جلسه‌های برگزارشدهٔ برنامه‌های پایگاه‌های اجتماع‌محور؛ روز: روز "
                      "آغاز جلسه؛ استان و شهرستان: آنِ پایگاه.",
                      "sessions held by the community bases' programmes; the day is the Iran "
                      "day the session started; the province and county are the base's."),
    "base_attendance": ("حضور در جلسه‌های پایگاه", "Base attendance",
                        "حضورهای «حاضر» ثبت‌شده در جلسه‌های برگزارشده؛ روز و استان مانند "
                        "«جلسه‌های پایگاه».",
                        "attendances marked present at sessions held; day and province as for "
                        "base sessions."),
}
