// A Twilio status callback's body as the service reads it (ServiceApi::twilioStatus): the form
// (TwilioSignature::parseForm), then the callback's fields (StatusCallback::fromForm), which decide
// which session is released and what its call record says.
#include "FuzzCheck.h"

#include "domain/PhoneNumber.h"
#include "security/TwilioSignature.h"
#include "service/StatusCallback.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto form = TwilioSignature::parseForm(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!form)
        return 0;
    const StatusCallback callback = StatusCallback::fromForm(*form);
    FUZZ_CHECK(callback.durationSeconds >= 0);
    FUZZ_CHECK(!callback.sipCode || (*callback.sipCode >= 100 && *callback.sipCode <= 699));
    // Numbers are E.164 or nothing: they are matched against the pool's.
    FUZZ_CHECK(callback.from.isEmpty() || PhoneNumber::normalize(callback.from) == callback.from);
    FUZZ_CHECK(callback.to.isEmpty() || PhoneNumber::normalize(callback.to) == callback.to);
    FUZZ_CHECK(callback.isOutbound() == callback.direction.startsWith(QLatin1String("outbound")));
    const auto started = callback.startedAt();
    FUZZ_CHECK(started.has_value() == callback.eventAt.has_value());
    if (started)
        FUZZ_CHECK(*started <= *callback.eventAt);
    if (callback.isFinal())
        FUZZ_CHECK(!callback.status.isEmpty());
    return 0;
}
