#include "twilio/NumberOperations.h"

#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/Transaction.h"
#include "twilio/TwilioErrors.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk::Twilio {

void TestConnectionOperation::run() {
    report(0, 0, tr("Fetching account %1…").arg(client().credentials().accountSid));
    Api::fetchAccount(client(), this, [this](Result<AccountInfo> account) {
        if (!account)
            return finish(account.error());
        m_account = account.value();
        finish(success());
    });
}

void SearchNumbersOperation::run() {
    report(0, 0, tr("Searching numbers in %1…").arg(m_query.country));
    Api::searchAvailable(client(), m_query, this, [this](Result<QList<AvailableNumber>> found) {
        if (!found)
            return finish(found.error());
        m_results = found.value();
        finish(success());
    });
}

void BuyNumberOperation::run() {
    const auto e164 = PhoneNumber::normalize(m_e164);
    if (!e164)
        return finish(
            makeError(Error::Code::InvalidInput,
                      tr("\"%1\" is not a phone number in E.164 form, like +16076956082.").arg(m_e164)));
    m_e164 = *e164;
    report(0, 1, tr("Buying %1…").arg(m_e164));
    Api::buyNumber(client(), m_e164, m_context.profile.voiceUrl(), m_context.profile.statusCallbackUrl(),
                   QStringLiteral("PoolDesk %1").arg(m_context.profile.name), this,
                   [this](Result<Purchase> purchase) {
                       if (!purchase)
                           return finish(purchase.error());
                       m_confirmed = purchase.value().confirmedAfterUnclearFailure;
                       finish(record(purchase.value().number));
                   });
}

Status BuyNumberOperation::record(const IncomingNumber &bought) {
    const QString env = m_context.profile.name;
    Numbers numbers(db());
    Result<PoolNumber> stored = numbers.find(m_e164, env);
    if (stored) {
        // Known already (an earlier import): refresh Twilio's facts, clear a missing flag.
        stored = numbers.updateTwilioFacts(m_context.actor, m_e164, env, bought.sid, bought.friendlyName,
                                           bought.voiceUrl, bought.statusCallback, false);
    } else {
        NewNumber input;
        input.e164 = m_e164;
        input.environment = env;
        input.twilioSid = bought.sid;
        input.friendlyName = bought.friendlyName;
        input.boughtAt = bought.dateCreated;
        input.voiceUrl = bought.voiceUrl;
        input.statusCallbackUrl = bought.statusCallback;
        stored = numbers.add(m_context.actor, input);
    }
    if (!stored)
        return makeError(
            stored.error().code,
            tr("%1 was bought at Twilio (%2) but could not be added to the pool: %3 Run `pooldeskctl "
               "twilio import` to pick it up.")
                .arg(m_e164, bought.sid, stored.error().message));
    m_number = stored.value();
    Transaction transaction(db());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    QJsonObject after{{QStringLiteral("sid"), bought.sid},
                      {QStringLiteral("environment"), env},
                      {QStringLiteral("monthly_price"), Money::toPlainString(m_number.monthlyPrice)},
                      {QStringLiteral("trigger"), m_trigger},
                      {QStringLiteral("confirmed_after_unclear_failure"), m_confirmed}};
    if (!m_areaCode.isEmpty()) {
        after.insert(QStringLiteral("area_code"), m_areaCode);
        after.insert(QStringLiteral("local_demand"), m_areaWhy);
    }
    if (auto audited = AuditLog::write(db(), m_context.actor, QStringLiteral("twilio.buy"), m_e164,
                                       m_number.dedicatedCompanyId, {}, after);
        !audited)
        return audited;
    return transaction.commit();
}

Result<PoolNumber> ReleaseNumberOperation::checkReleasable(Database &db, const QString &e164,
                                                           const QString &environment) {
    const auto normalized = PhoneNumber::normalize(e164);
    if (!normalized)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Twilio",
                                                     "\"%1\" is not a phone number in E.164 form, like "
                                                     "+16076956082.")
                             .arg(e164));
    auto number = Numbers(db).find(*normalized, environment);
    if (!number)
        return number.error();
    if (number->status != NumberStatus::Available || number->activeCalls > 0)
        return makeError(Error::Code::Refused,
                         QCoreApplication::translate("Twilio",
                                                     "%1 is %2: release it after its call ends and it "
                                                     "is available again.")
                             .arg(number->e164, displayName(number->status)),
                         QStringLiteral("number_in_use"));
    return number;
}

namespace {

// Did Twilio possibly act on a request that failed? Only a clear refusal (a 4xx with Twilio's error
// body) says it did not.
bool outcomeUnclear(const Error &error) {
    if (error.code == Error::Code::Cancelled)
        return true;
    const QString &r = error.reason;
    if (r == Reason::Timeout || r == Reason::Unreachable || r == Reason::BadResponse ||
        r == Reason::OutcomeUnknown || r == Reason::Busy)
        return true;
    const int code = Reason::codeOf(error);
    return code == 0 || (code >= 20500 && code < 20600);
}

} // namespace

void ReleaseNumberOperation::run() {
    auto number = checkReleasable(db(), m_e164, m_context.profile.name);
    if (!number)
        return finish(number.error());
    const PoolNumber local = number.value();
    // From here on no allocation can take the number (and none holds it).
    if (auto marked = ReleaseMarks::mark(db(), local.id, m_context.actor, m_trigger); !marked)
        return finish(marked.error());
    if (!local.twilioSid.isEmpty())
        return release(local, local.twilioSid);
    report(0, 2, tr("Looking up %1 at Twilio…").arg(local.e164));
    Api::findIncomingNumber(client(), local.e164, this,
                            [this, local](Result<std::optional<IncomingNumber>> found) {
                                if (!found) // nothing was released: the number is available again
                                    return fail(local, found.error());
                                if (!found.value()) {
                                    m_alreadyGone = true;
                                    return finish(record(local, {}));
                                }
                                release(local, found.value()->sid);
                            });
}

void ReleaseNumberOperation::release(const PoolNumber &number, const QString &sid) {
    report(1, 2, tr("Releasing %1 at Twilio…").arg(number.e164));
    Api::releaseNumber(client(), sid, this, [this, number, sid](Result<bool> released) {
        if (released) {
            m_alreadyGone = released.value();
            return finish(record(number, sid));
        }
        if (!outcomeUnclear(released.error()))
            return fail(number, released.error());
        if (isCancelled())
            return finish(makeError(
                Error::Code::Cancelled,
                tr("Cancelled while Twilio was releasing %1: whether it was released is not known yet. The "
                   "number stays out of use until PoolDesk checks at Twilio (the next import, or the pool "
                   "service within %n minute(s)).",
                   nullptr, ReleaseMarks::StaleAfterMinutes)
                    .arg(number.e164)));
        verifyAfterUnclearFailure(number, sid, released.error());
    });
}

void ReleaseNumberOperation::verifyAfterUnclearFailure(const PoolNumber &number, const QString &sid,
                                                       const Error &failure) {
    report(1, 2, tr("Checking whether Twilio released %1…").arg(number.e164));
    Api::findIncomingNumber(
        client(), number.e164, this,
        [this, number, sid, failure](Result<std::optional<IncomingNumber>> found) {
            if (!found)
                return finish(makeError(
                    failure.code,
                    tr("%1 It is not known whether Twilio released %2: the number stays out of use until "
                       "PoolDesk checks again (the next import, or the pool service within %n minute(s)).",
                       nullptr, ReleaseMarks::StaleAfterMinutes)
                        .arg(failure.message, number.e164),
                    failure.reason));
            if (!found.value())
                return finish(record(number, sid)); // released after all
            fail(number, failure);
        });
}

void ReleaseNumberOperation::fail(const PoolNumber &number, const Error &error) {
    if (auto undone = ReleaseMarks::undo(db(), number.id); !undone)
        return finish(makeError(error.code,
                                tr("%1 (%2 could not be marked available again: %3)")
                                    .arg(error.message, number.e164, undone.error().message),
                                error.reason));
    finish(error);
}

Status ReleaseNumberOperation::record(const PoolNumber &number, const QString &sid) {
    if (auto removed = Numbers(db()).remove(m_context.actor, number.e164, number.environment); !removed)
        return makeError(removed.error().code, tr("%1 was released at Twilio but is still in the pool: %2")
                                                   .arg(number.e164, removed.error().message));
    Transaction transaction(db());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    if (auto audited = AuditLog::write(
            db(), m_context.actor, QStringLiteral("twilio.release"), number.e164, number.dedicatedCompanyId,
            {{QStringLiteral("sid"), sid},
             {QStringLiteral("environment"), number.environment},
             {QStringLiteral("monthly_price"), Money::toPlainString(number.monthlyPrice)}},
            {{QStringLiteral("trigger"), m_trigger},
             {QStringLiteral("already_gone_at_twilio"), m_alreadyGone}});
        !audited)
        return audited;
    return transaction.commit();
}

} // namespace PoolDesk::Twilio

namespace PoolDesk::Twilio {

void RecoverReleasesOperation::run() {
    auto marks = ReleaseMarks::list(db(), m_context.profile.name);
    if (!marks)
        return finish(marks.error());
    const qint64 now = Clock::nowSecs();
    for (const ReleaseMarks::Mark &mark : marks.value()) {
        if (mark.isStale(now))
            m_stale.append(mark);
        else
            ++m_stillUnderWay;
    }
    next();
}

void RecoverReleasesOperation::next() {
    if (stopIfCancelled())
        return;
    if (m_stale.isEmpty())
        return finish(success());
    const ReleaseMarks::Mark mark = m_stale.takeFirst();
    report(m_completed + m_undone, 0, tr("Checking the interrupted release of %1…").arg(mark.e164));
    Api::findIncomingNumber(
        client(), mark.e164, this, [this, mark](Result<std::optional<IncomingNumber>> found) {
            if (!found) // try again on the next sweep
                return finish(found.error());
            const Actor actor{mark.actor};
            if (found.value()) {
                if (auto undone = ReleaseMarks::undo(db(), mark.numberId); !undone)
                    return finish(undone);
                if (auto audited =
                        AuditLog::write(db(), m_context.actor, QStringLiteral("twilio.release_undone"),
                                        mark.e164, std::nullopt, {},
                                        {{QStringLiteral("environment"), mark.environment},
                                         {QStringLiteral("started_by"), mark.actor},
                                         {QStringLiteral("trigger"), mark.trigger}});
                    !audited)
                    return finish(audited);
                ++m_undone;
                return next();
            }
            auto number = Numbers(db()).find(mark.e164, mark.environment);
            if (number) {
                if (auto removed = Numbers(db()).remove(actor, mark.e164, mark.environment); !removed)
                    return finish(removed);
                if (auto audited = AuditLog::write(
                        db(), actor, QStringLiteral("twilio.release"), mark.e164, number->dedicatedCompanyId,
                        {{QStringLiteral("sid"), number->twilioSid},
                         {QStringLiteral("environment"), mark.environment},
                         {QStringLiteral("monthly_price"), Money::toPlainString(number->monthlyPrice)}},
                        {{QStringLiteral("trigger"), mark.trigger},
                         {QStringLiteral("completed_after_interruption"), true},
                         {QStringLiteral("settled_by"), m_context.actor.name}});
                    !audited)
                    return finish(audited);
            }
            ++m_completed;
            next();
        });
}

} // namespace PoolDesk::Twilio
