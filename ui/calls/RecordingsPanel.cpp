#include "calls/RecordingsPanel.h"

#include "Workspace.h"
#include "common/Format.h"
#include "common/InlineError.h"
#include "common/MessageBox.h"
#include "common/Retranslate.h"

#include <QAudioOutput>
#include <QBuffer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMediaPlayer>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QShortcut>
#include <QSlider>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <optional>

namespace PoolDesk::Ui {

namespace {

std::optional<QString> nextSaveFile;

enum ListColumn { RecordedColumn, LengthColumn, StatusColumn, SidColumn };

// In the billing zone with its name, as everywhere a time is shown.
QString recordedAt(const std::optional<qint64> &secs) {
    if (!secs)
        return {};
    return Format::dateTime(QDateTime::fromSecsSinceEpoch(*secs, Qt::UTC));
}

} // namespace

void RecordingsPanel::setNextSaveFile(const QString &path) {
    nextSaveFile = path;
}

RecordingsPanel::RecordingsPanel(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("recordingsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("recordingsTitleLabel"));
    layout->addWidget(m_title);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("recordingsTreeWidget"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setColumnCount(4);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->setMaximumHeight(fontMetrics().height() * 6);
    layout->addWidget(m_list);

    auto *controls = new QHBoxLayout;
    m_play = new QPushButton(this);
    m_play->setObjectName(QStringLiteral("recordingPlayButton"));
    m_stop = new QPushButton(this);
    m_stop->setObjectName(QStringLiteral("recordingStopButton"));
    m_position = new QSlider(Qt::Horizontal, this);
    m_position->setObjectName(QStringLiteral("recordingPositionSlider"));
    m_time = new QLabel(this);
    m_time->setObjectName(QStringLiteral("recordingTimeLabel"));
    m_download = new QPushButton(this);
    m_download->setObjectName(QStringLiteral("recordingDownloadButton"));
    m_delete = new QPushButton(this);
    m_delete->setObjectName(QStringLiteral("recordingDeleteButton"));
    controls->addWidget(m_play);
    controls->addWidget(m_stop);
    controls->addWidget(m_position, 1);
    controls->addWidget(m_time);
    controls->addWidget(m_download);
    controls->addWidget(m_delete);
    layout->addLayout(controls);
    m_message = new InlineError(this);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    // Deleting is for administrators only: the button is not offered to anyone else, and is greyed
    // out while the database takes no writes (the deletion is audited).
    m_delete->setVisible(m_workspace.roleAllows(Permission::DeleteRecordings));
    connect(&m_workspace, &Workspace::writableChanged, this, &RecordingsPanel::updateControls);

    m_player = new QMediaPlayer(this);
    m_output = new QAudioOutput(this);
    m_player->setAudioOutput(m_output);

    connect(m_play, &QPushButton::clicked, this, &RecordingsPanel::playOrPause);
    connect(m_stop, &QPushButton::clicked, this, &RecordingsPanel::stop);
    connect(m_download, &QPushButton::clicked, this, &RecordingsPanel::download);
    connect(m_delete, &QPushButton::clicked, this, &RecordingsPanel::deleteSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, [this] {
        updateControls();
        updatePosition();
    });
    connect(m_list, &QTreeWidget::itemActivated, this, [this] { playOrPause(); });
    connect(m_position, &QSlider::sliderMoved, m_player, [this](int ms) { m_player->setPosition(ms); });
    connect(m_player, &QMediaPlayer::durationChanged, this, &RecordingsPanel::updatePosition);
    connect(m_player, &QMediaPlayer::positionChanged, this, &RecordingsPanel::updatePosition);
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, &RecordingsPanel::updateControls);
    connect(m_player, &QMediaPlayer::mediaStatusChanged, this, [this](QMediaPlayer::MediaStatus status) {
        if (status == QMediaPlayer::LoadedMedia && m_playWhenLoaded) {
            m_playWhenLoaded = false;
            m_player->play();
        }
    });
    connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString &text) {
        m_message->showError(tr("The recording cannot be played here: %1. Download it and open it in "
                                "another player.")
                                 .arg(text));
    });

    // Space plays and pauses, Escape stops, Ctrl+S saves, Delete deletes, while the panel has focus.
    const auto shortcut = [this](const QKeySequence &keys, void (RecordingsPanel::*slot)()) {
        auto *s = new QShortcut(keys, this, this, slot);
        s->setContext(Qt::WidgetWithChildrenShortcut);
    };
    shortcut(QKeySequence(Qt::Key_Space), &RecordingsPanel::playOrPause);
    shortcut(QKeySequence(Qt::Key_Escape), &RecordingsPanel::stop);
    shortcut(QKeySequence::Save, &RecordingsPanel::download);
    if (m_workspace.roleAllows(Permission::DeleteRecordings))
        shortcut(QKeySequence::Delete, &RecordingsPanel::deleteSelected);

    retranslate(this, [this] { retranslateUi(); });
    showCall({});
}

RecordingsPanel::~RecordingsPanel() {
    cancelFetch();
    m_player->stop();
}

void RecordingsPanel::retranslateUi() {
    m_list->setHeaderLabels({tr("Recorded"), tr("Length"), tr("Status"), tr("Recording")});
    m_stop->setText(tr("Stop"));
    m_stop->setToolTip(tr("Stop (Esc)"));
    m_download->setText(tr("Save As…"));
    m_download->setToolTip(tr("Save the recording to a WAV file (Ctrl+S)"));
    m_delete->setText(tr("Delete…"));
    m_delete->setToolTip(tr("Delete the recording at Twilio, for good (Del)"));
    m_position->setAccessibleName(tr("Position"));
    if (m_callSid.isEmpty())
        m_title->setText(tr("Select a call to see its recordings."));
    else
        m_title->setText(
            tr("%n recording(s) of call %1", nullptr, static_cast<int>(m_rows.size())).arg(m_callSid));
    updateControls();
    updatePosition();
}

void RecordingsPanel::showCall(const QString &callSid) {
    if (callSid == m_callSid && !callSid.isEmpty())
        return;
    cancelFetch();
    m_player->stop();
    m_callSid = callSid;
    m_message->clearMessage();
    reload();
}

void RecordingsPanel::reload() {
    const QString keep = selected() ? selected()->sid : QString();
    m_rows.clear();
    m_list->clear();
    if (!m_callSid.isEmpty() && m_workspace.principal()) {
        RecordingFilter filter;
        filter.callSid = m_callSid;
        auto rows = Recordings(m_workspace.database(), m_workspace.principal().value()).list(filter);
        if (rows)
            m_rows = rows.value();
        else
            m_message->showError(rows.error().message);
    }
    for (const RecordingRow &row : std::as_const(m_rows)) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(RecordedColumn, recordedAt(row.createdAt));
        item->setText(LengthColumn, Format::duration(row.durationSeconds));
        item->setTextAlignment(LengthColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(StatusColumn, row.status);
        item->setText(SidColumn, row.sid);
        item->setData(SidColumn, Qt::UserRole, row.sid);
        if (row.sid == keep)
            m_list->setCurrentItem(item);
    }
    // The first recording is ready to play with Space.
    if (!m_list->currentItem() && m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
    retranslateUi();
}

std::optional<RecordingRow> RecordingsPanel::selected() const {
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return std::nullopt;
    const QString sid = item->data(SidColumn, Qt::UserRole).toString();
    for (const RecordingRow &row : m_rows)
        if (row.sid == sid)
            return row;
    return std::nullopt;
}

void RecordingsPanel::cancelFetch() {
    delete m_pending.data();
    m_pending = nullptr;
    m_playWhenLoaded = false;
}

void RecordingsPanel::withAudio(RecordingAccess access,
                                std::function<void(const RecordingRow &, const QByteArray &)> then) {
    const auto row = selected();
    if (!row || !m_workspace.principal())
        return;
    m_message->clearMessage();
    // Asked and recorded every time, even when the audio is already here.
    auto allowed =
        Recordings(m_workspace.database(), m_workspace.principal().value()).authorize(row->sid, access);
    if (!allowed)
        return m_message->showError(allowed.error().message);
    if (m_loadedSid == row->sid)
        return then(allowed.value(), m_audio);
    if (!m_fetch)
        return m_message->showError(tr("This console cannot fetch recordings."));
    cancelFetch();
    auto *context = new QObject(this);
    m_pending = context;
    m_message->showHint(tr("Fetching %1 from Twilio…").arg(row->sid));
    updateControls();
    m_fetch(allowed.value(), access, context,
            [this, context, row = allowed.value(), then](Result<QByteArray> audio) {
                if (m_pending != context)
                    return;
                m_pending = nullptr;
                context->deleteLater();
                if (!audio) {
                    m_message->showError(tr("Could not fetch %1: %2").arg(row.sid, audio.error().message));
                    return updateControls();
                }
                m_message->clearMessage();
                m_audio = std::move(audio).value();
                m_loadedSid = row.sid;
                updateControls();
                then(row, m_audio);
            });
}

void RecordingsPanel::playOrPause() {
    if (!m_play->isEnabled())
        return;
    const auto row = selected();
    if (row && row->sid == m_loadedSid && m_player->playbackState() == QMediaPlayer::PlayingState)
        return m_player->pause();
    if (row && row->sid == m_loadedSid && m_player->playbackState() == QMediaPlayer::PausedState)
        return m_player->play(); // resuming is the same listening, already recorded
    withAudio(RecordingAccess::Play, [this](const RecordingRow &, const QByteArray &audio) {
        // From memory: the player reads the bytes through a buffer, nothing is written to disk.
        m_player->stop();
        m_player->setSourceDevice(nullptr);
        delete m_buffer;
        m_buffer = new QBuffer(this);
        m_buffer->setData(audio);
        m_buffer->open(QIODevice::ReadOnly);
        m_playWhenLoaded = true;
        m_player->setSourceDevice(m_buffer, QUrl(QStringLiteral("recording.wav")));
        if (m_player->mediaStatus() == QMediaPlayer::LoadedMedia) {
            m_playWhenLoaded = false;
            m_player->play();
        }
    });
}

void RecordingsPanel::stop() {
    m_player->stop();
    if (m_pending) {
        cancelFetch();
        m_message->clearMessage();
        updateControls();
    }
}

void RecordingsPanel::download() {
    const auto row = selected();
    if (!row || !m_download->isEnabled())
        return;
    QString path;
    if (nextSaveFile) {
        path = *nextSaveFile;
        nextSaveFile.reset();
    } else {
        QSettings settings;
        const QString folder = settings
                                   .value(QStringLiteral("recordings/folder"),
                                          QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                                   .toString();
        path = QFileDialog::getSaveFileName(this, tr("Save Recording"),
                                            QDir(folder).filePath(row->sid + QStringLiteral(".wav")),
                                            tr("WAV audio (*.wav);;All files (*)"));
        if (path.isEmpty())
            return;
        settings.setValue(QStringLiteral("recordings/folder"), QFileInfo(path).absolutePath());
    }
    withAudio(
        RecordingAccess::Download, [this, path](const RecordingRow &recording, const QByteArray &audio) {
            // Written whole or not at all.
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(audio) != audio.size() || !file.commit())
                return m_message->showError(tr("Could not save %1: %2").arg(path, file.errorString()));
            m_message->showHint(tr("Saved %1 to %2.").arg(recording.sid, QDir::toNativeSeparators(path)));
        });
}

void RecordingsPanel::deleteSelected() {
    const auto row = selected();
    if (!row || !m_delete->isVisible() || !m_delete->isEnabled() || !m_workspace.principal())
        return;
    if (!MessageBox::confirm(this, tr("Delete Recording"),
                             tr("Delete recording %1 of call %2 at Twilio? It cannot be recovered.")
                                 .arg(row->sid, row->callSid),
                             tr("Delete Recording"), true))
        return;
    auto allowed = Recordings(m_workspace.database(), m_workspace.principal().value())
                       .authorize(row->sid, RecordingAccess::Delete);
    if (!allowed)
        return m_message->showError(allowed.error().message);
    if (!m_remove)
        return m_message->showError(tr("This console cannot delete recordings."));
    cancelFetch();
    if (m_loadedSid == row->sid) {
        m_player->stop();
        m_loadedSid.clear();
        m_audio.clear();
    }
    auto *context = new QObject(this);
    m_pending = context;
    m_message->showHint(tr("Deleting %1 at Twilio…").arg(row->sid));
    updateControls();
    m_remove(allowed.value(), context, [this, context, sid = row->sid](Status done) {
        if (m_pending != context)
            return;
        m_pending = nullptr;
        context->deleteLater();
        if (!done) {
            m_message->showError(tr("Could not delete %1: %2").arg(sid, done.error().message));
            return updateControls();
        }
        reload();
        m_message->showHint(tr("Deleted %1 at Twilio.").arg(sid));
        emit recordingsChanged();
    });
}

void RecordingsPanel::updateControls() {
    const bool any = selected().has_value();
    const bool busy = m_pending;
    const bool playing = m_player->playbackState() == QMediaPlayer::PlayingState;
    m_play->setEnabled(any && !busy);
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_play->setToolTip(playing ? tr("Pause (Space)") : tr("Play in the console (Space)"));
    m_stop->setEnabled(busy || m_player->playbackState() != QMediaPlayer::StoppedState);
    m_download->setEnabled(any && !busy);
    m_delete->setEnabled(any && !busy && m_workspace.allows(Permission::DeleteRecordings));
    m_position->setEnabled(!m_loadedSid.isEmpty() && selected() && selected()->sid == m_loadedSid);
}

void RecordingsPanel::updatePosition() {
    // Before its audio is here, the selected recording's length as Twilio reported it.
    const auto row = selected();
    const bool loaded = row && row->sid == m_loadedSid;
    const qint64 duration = loaded ? m_player->duration() : (row ? row->durationSeconds * 1000 : 0);
    const qint64 position = loaded ? m_player->position() : 0;
    if (!m_position->isSliderDown()) {
        m_position->setRange(0, static_cast<int>(duration));
        m_position->setValue(static_cast<int>(position));
    }
    m_time->setText(tr("%1 / %2").arg(Format::duration(position / 1000), Format::duration(duration / 1000)));
}

} // namespace PoolDesk::Ui
