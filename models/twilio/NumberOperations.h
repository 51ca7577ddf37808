#pragma once

#include "domain/Types.h"
#include "twilio/Operation.h"
#include "twilio/ReleaseMarks.h"
#include "twilio/TwilioApi.h"

namespace PoolDesk::Twilio {

// "Test connection": fetches the account with the environment's credentials.
class TestConnectionOperation final : public Operation {
    Q_OBJECT
public:
    using Operation::Operation;
    const AccountInfo &account() const { return m_account; }

protected:
    void run() override;

private:
    AccountInfo m_account;
};

// Searches Twilio's numbers available to buy.
class SearchNumbersOperation final : public Operation {
    Q_OBJECT
public:
    SearchNumbersOperation(OperationContext context, SearchQuery query, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_query(std::move(query)) {}
    const QList<AvailableNumber> &results() const { return m_results; }

protected:
    void run() override;

private:
    SearchQuery m_query;
    QList<AvailableNumber> m_results;
};

// Buys one number, points it at the environment's webhooks and adds it to the pool. The purchase
// is never sent twice blindly (see Api::buyNumber). When someone else took the number meanwhile
// the error's reason is Reason::NumberTaken: search again and offer the next candidate.
class BuyNumberOperation final : public Operation {
    Q_OBJECT
public:
    // `trigger` says why (recorded in the audit log): "manual", "autoscale: below threshold", ...
    BuyNumberOperation(OperationContext context, QString e164, QString trigger, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_e164(std::move(e164))
        , m_trigger(std::move(trigger)) {}
    // A purchase for a callee area code (local presence): the audit entry names it and why.
    void setAreaCode(const QString &areaCode, const QString &why) {
        m_areaCode = areaCode;
        m_areaWhy = why;
    }
    const PoolNumber &number() const { return m_number; }
    bool confirmedAfterUnclearFailure() const { return m_confirmed; }

protected:
    void run() override;

private:
    Status record(const IncomingNumber &bought);

    QString m_e164;
    QString m_trigger;
    QString m_areaCode;
    QString m_areaWhy;
    PoolNumber m_number;
    bool m_confirmed = false;
};

// Releases a number at Twilio (irreversible: Twilio does not give released numbers back) and
// removes it from the pool. Refuses while the number is reserved or in use. From the first step the
// number is marked as being released (ReleaseMarks), in the statement that checks it is free, so the
// allocator cannot hand it out meanwhile. When Twilio refuses, the mark is undone; when the outcome
// is unclear (timeout, connection lost, 5xx), Twilio is asked whether the number is still there and
// the release is recorded or undone accordingly; if even that cannot be known (cancelled while the
// DELETE was in flight, Twilio unreachable) the number stays out of use until RecoverReleasesOperation
// or the next import settles it.
class ReleaseNumberOperation final : public Operation {
    Q_OBJECT
public:
    ReleaseNumberOperation(OperationContext context, QString e164, QString trigger, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_e164(std::move(e164))
        , m_trigger(std::move(trigger)) {}
    bool wasAlreadyGone() const { return m_alreadyGone; }

    // The checks release applies before calling Twilio, for a console to grey out its button.
    static Result<PoolNumber> checkReleasable(Database &db, const QString &e164, const QString &environment);

protected:
    void run() override;

private:
    void release(const PoolNumber &number, const QString &sid);
    void verifyAfterUnclearFailure(const PoolNumber &number, const QString &sid, const Error &failure);
    void fail(const PoolNumber &number, const Error &error);
    Status record(const PoolNumber &number, const QString &sid);

    QString m_e164;
    QString m_trigger;
    bool m_alreadyGone = false;
};

// Settles releases that were interrupted (the process died or Twilio could not be reached while a
// release was under way, see ReleaseMarks): for each mark older than ReleaseMarks::StaleAfterSecs,
// asks Twilio whether the number is still there. Gone: the release is recorded and the number
// leaves the pool. Still there: the number is available again (nobody is releasing it any more).
// The pool service runs it on its timer (AutoscaleScheduler); `pooldeskctl twilio import` does the
// same for the numbers it lists.
class RecoverReleasesOperation final : public Operation {
    Q_OBJECT
public:
    using Operation::Operation;
    int completed() const { return m_completed; }
    int undone() const { return m_undone; }
    // Releases younger than StaleAfterSecs, left alone: they may still be running.
    int stillUnderWay() const { return m_stillUnderWay; }

protected:
    void run() override;

private:
    void next();

    QList<ReleaseMarks::Mark> m_stale;
    int m_completed = 0;
    int m_undone = 0;
    int m_stillUnderWay = 0;
};

} // namespace PoolDesk::Twilio
