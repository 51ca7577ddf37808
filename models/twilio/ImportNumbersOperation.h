#pragma once

#include "twilio/Operation.h"
#include "twilio/TwilioTypes.h"

#include <QStringList>

namespace PoolDesk::Twilio {

struct ImportSummary {
    QStringList added;
    QStringList updated;
    QStringList unchanged;
    QStringList missing;  // in the pool but no longer on the Twilio account: flagged, not deleted
    QStringList returned; // flagged missing before, back on the account now
};

// Imports the environment's numbers from Twilio (the seed's step 1). Idempotent: new numbers are
// added, known ones get Twilio's facts (SID, friendly name, webhooks), numbers gone from Twilio
// are flagged missing_from_twilio rather than deleted. Every change is audited.
class ImportNumbersOperation final : public Operation {
    Q_OBJECT
public:
    using Operation::Operation;
    const ImportSummary &summary() const { return m_summary; }

protected:
    void run() override;

private:
    Status apply();

    QList<IncomingNumber> m_fetched;
    ImportSummary m_summary;
};

} // namespace PoolDesk::Twilio
