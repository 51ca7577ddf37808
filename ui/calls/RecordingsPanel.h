#pragma once

#include "billing/Recordings.h"

#include <QByteArray>
#include <QPointer>
#include <QWidget>

#include <functional>

class QAudioOutput;
class QBuffer;
class QLabel;
class QMediaPlayer;
class QPushButton;
class QSlider;
class QTreeWidget;

namespace PoolDesk::Ui {

class InlineError;
class Workspace;

// The selected call's recordings, under the Calls view: plays one in the console from memory (the
// audio is never written to disk), saves it to a file the user chooses, and deletes it at Twilio
// (administrators, after confirming). Every play, download and delete is authorised and recorded
// by Recordings before anything is fetched; the audio comes through the fetcher the main window
// gives (Twilio, with the recording's environment's credentials).
class RecordingsPanel final : public QWidget {
    Q_OBJECT
public:
    using Fetch = std::function<void(const RecordingRow &, RecordingAccess, QObject *context,
                                     std::function<void(Result<QByteArray>)> done)>;
    using Remove =
        std::function<void(const RecordingRow &, QObject *context, std::function<void(Status)> done)>;

    explicit RecordingsPanel(Workspace &workspace, QWidget *parent = nullptr);
    ~RecordingsPanel() override;

    void setFetch(Fetch fetch) { m_fetch = std::move(fetch); }
    void setRemove(Remove remove) { m_remove = std::move(remove); }

    // The call whose recordings to show; an empty SID shows none.
    void showCall(const QString &callSid);
    void reload();

    void playOrPause();
    void stop();
    void download();
    void deleteSelected();

    QMediaPlayer *player() const { return m_player; }
    QTreeWidget *list() const { return m_list; }
    // The recording whose audio is in memory; empty when none.
    QString loadedSid() const { return m_loadedSid; }

    // For tests: the next download skips the file dialog and saves here.
    static void setNextSaveFile(const QString &path);

signals:
    // The recordings changed here (one was deleted): the Calls view recounts.
    void recordingsChanged();

private:
    std::optional<RecordingRow> selected() const;
    // Authorises the access, then fetches the audio (or reuses what is in memory) and calls then().
    void withAudio(RecordingAccess access,
                   std::function<void(const RecordingRow &, const QByteArray &)> then);
    void cancelFetch();
    void updateControls();
    void updatePosition();
    void retranslateUi();

    Workspace &m_workspace;
    Fetch m_fetch;
    Remove m_remove;
    QString m_callSid;
    QList<RecordingRow> m_rows;
    QLabel *m_title = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_play = nullptr;
    QPushButton *m_stop = nullptr;
    QSlider *m_position = nullptr;
    QLabel *m_time = nullptr;
    QPushButton *m_download = nullptr;
    QPushButton *m_delete = nullptr;
    InlineError *m_message = nullptr;
    QMediaPlayer *m_player = nullptr;
    QAudioOutput *m_output = nullptr;
    QBuffer *m_buffer = nullptr;
    QString m_loadedSid;
    QByteArray m_audio;
    QPointer<QObject> m_pending; // the fetch or delete under way; deleting it cancels it
    bool m_playWhenLoaded = false;
};

} // namespace PoolDesk::Ui
