#pragma once

#include "billing/Recordings.h"
#include "twilio/Operation.h"

#include <QByteArray>

namespace PoolDesk::Twilio {

// Fetches a recording's audio into memory (for playing, or for saving where the user chose). The
// caller has had the access authorised (Recordings::authorize), which also recorded it.
class FetchRecordingOperation final : public Operation {
    Q_OBJECT
public:
    FetchRecordingOperation(OperationContext context, RecordingRow recording, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_recording(std::move(recording)) {}
    const RecordingRow &recording() const { return m_recording; }
    const QByteArray &audio() const { return m_audio; }

protected:
    void run() override;

private:
    RecordingRow m_recording;
    QByteArray m_audio;
};

// Deletes a recording at Twilio for good, then its metadata here (audited as "recording.deleted").
// One Twilio no longer has counts as deleted.
class DeleteRecordingOperation final : public Operation {
    Q_OBJECT
public:
    DeleteRecordingOperation(OperationContext context, RecordingRow recording, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_recording(std::move(recording)) {}
    const RecordingRow &recording() const { return m_recording; }
    bool wasAlreadyGone() const { return m_alreadyGone; }

protected:
    void run() override;

private:
    RecordingRow m_recording;
    bool m_alreadyGone = false;
};

} // namespace PoolDesk::Twilio
