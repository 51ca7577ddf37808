#include "twilio/RecordingOperations.h"

#include "twilio/TwilioApi.h"

namespace PoolDesk::Twilio {

void FetchRecordingOperation::run() {
    report(0, 0, tr("Fetching recording %1…").arg(m_recording.sid));
    Api::fetchRecordingMedia(client(), m_recording.sid, this, [this](Result<QByteArray> audio) {
        if (!audio)
            return finish(audio.error());
        m_audio = std::move(audio).value();
        finish(success());
    });
}

void DeleteRecordingOperation::run() {
    report(0, 0, tr("Deleting recording %1 at Twilio…").arg(m_recording.sid));
    Api::deleteRecording(client(), m_recording.sid, this, [this](Result<bool> gone) {
        if (!gone)
            return finish(gone.error());
        m_alreadyGone = gone.value();
        finish(Recordings::forget(db(), m_recording));
    });
}

} // namespace PoolDesk::Twilio
