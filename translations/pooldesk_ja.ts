<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AccessLog</name>
    <message>
        <source>Cannot open the access log %1: %2</source>
        <translation>アクセスログ %1 を開けません: %2</translation>
    </message>
</context>
<context>
    <name>AddNumberDialog</name>
    <message>
        <source>Shared pool (any company)</source>
        <translation>共有プール（すべての企業）</translation>
    </message>
</context>
<context>
    <name>Allocator</name>
    <message>
        <source>A company name is required.</source>
        <translation>企業名が必要です。</translation>
    </message>
    <message>
        <source>The lease must last between 1 second and 7 days (%1 seconds).</source>
        <translation>リース期間は 1 秒から 7 日の範囲で指定してください（%1 秒）。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid environment.</source>
        <translation>&quot;%1&quot; は有効な環境ではありません。</translation>
    </message>
    <message>
        <source>There is no company named &quot;%1&quot;.</source>
        <translation>&quot;%1&quot; という企業はありません。</translation>
    </message>
    <message>
        <source>The session &quot;%1&quot; has already ended. Use a new session ID for each call.</source>
        <translation>セッション &quot;%1&quot; はすでに終了しています。通話ごとに新しいセッション ID を使用してください。</translation>
    </message>
    <message>
        <source>%1 has spent %2 of its %3 monthly budget. Raise its budget to call again this month.</source>
        <translation>%1 は月間予算 %3 のうち %2 を使用しました。今月さらに発信するには、予算を引き上げてください。</translation>
    </message>
    <message>
        <source>All dedicated numbers of %1 in the %2 pool are busy (or it has none). Enterprise companies call only from their own numbers: assign another dedicated number.</source>
        <translation>%2 プールにある %1 の企業専用番号はすべて使用中です（または専用番号がありません）。エンタープライズ企業は自社の専用番号からのみ発信します。専用番号をもう 1 つ割り当ててください。</translation>
    </message>
    <message>
        <source>No number is free in the %1 pool. Add numbers to the pool or allow buying when it is exhausted.</source>
        <translation>%1 プールに空いている番号がありません。プールに番号を追加するか、番号が不足したときの購入を許可してください。</translation>
    </message>
    <message>
        <source>No number is free in the %1 pool. A new number is being bought; try again in a moment.</source>
        <translation>%1 プールに空いている番号がありません。新しい番号を購入中です。しばらくしてからもう一度お試しください。</translation>
    </message>
    <message>
        <source>A session ID is required.</source>
        <translation>セッション ID が必要です。</translation>
    </message>
    <message>
        <source>A call cannot last a negative number of seconds.</source>
        <translation>通話時間に負の秒数は指定できません。</translation>
    </message>
    <message>
        <source>A call cannot last longer than 7 days.</source>
        <translation>通話時間は 7 日を超えられません。</translation>
    </message>
    <message>
        <source>The call %1 is already recorded under another session.</source>
        <translation>通話 %1 はすでに別のセッションで記録されています。</translation>
    </message>
    <message>
        <source>No number is held by the session &quot;%1&quot; (unknown session, or its lease expired).</source>
        <translation>セッション &quot;%1&quot; が保持している番号はありません（不明なセッションか、リースの期限が切れています）。</translation>
    </message>
    <message>
        <source>A Twilio call SID is required.</source>
        <translation>Twilio の通話 SID が必要です。</translation>
    </message>
    <message>
        <source>The call %1 is already attached to another session.</source>
        <translation>通話 %1 はすでに別のセッションに関連付けられています。</translation>
    </message>
    <message>
        <source>No session holds the call %1.</source>
        <translation>通話 %1 を保持しているセッションはありません。</translation>
    </message>
    <message>
        <source>The session &quot;%1&quot; ended while it was being resumed. Use a new session ID for each call.</source>
        <translation>セッション &quot;%1&quot; は再開の途中で終了しました。通話ごとに新しいセッション ID を使用してください。</translation>
    </message>
    <message>
        <source>A session ID must be 1 to 200 characters, each an ASCII letter or digit or one of - _ . : @ + = ~</source>
        <translation>セッション ID は 1〜200 文字で、各文字は ASCII の英字・数字、または - _ . : @ + = ~ のいずれかにしてください</translation>
    </message>
    <message>
        <source>An operator ID must be 1 to 200 characters of text without control or invisible formatting characters.</source>
        <translation>オペレーター ID は制御文字や不可視の書式文字を含まない 1〜200 文字のテキストにしてください。</translation>
    </message>
    <message>
        <source>More than one company has a session named &quot;%1&quot;. Name the company, or use an API key scoped to it.</source>
        <translation>&quot;%1&quot; という名前のセッションを複数の企業が使っています。企業を指定するか、その企業に限定した API キーを使ってください。</translation>
    </message>
    <message numerus="yes">
        <source>%1 may be given %n number(s) a second (%2 at once), and asked for more. Try again in %3 ms, or raise its allocation rate.</source>
        <translation>
            <numerusform>%1 に割り当てられる番号は毎秒 %n 件まで（一度に %2 件まで）で、それを超えて要求されました。%3 ミリ秒後に再試行するか、割り当てレートを上げてください。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 already has %n call(s) under way, its limit of concurrent calls. Wait for a call to end or raise the limit.</source>
        <translation>
            <numerusform>%1 は同時通話の上限である %n 件の通話を実行中です。通話が終わるのを待つか、上限を引き上げてください。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 has used %2 of its %n minute(s) this month. Raise its monthly minutes to call again this month.</source>
        <translation>
            <numerusform>%1 は今月 %n 分のうち %2 分を使いました。今月さらに発信するには月間の通話分数を引き上げてください。</numerusform>
        </translation>
    </message>
    <message>
        <source>Every free number %1 may use in the %2 pool is resting, at its daily or hourly cap, inside its minimum gap between calls or cooling down after another company. Try again later, or see `pooldeskctl policy show`.</source>
        <translation>%2 プールで %1 が使える空き番号は、すべて休止中、1 日または 1 時間の上限に達している、発信間隔の最小値の内、または他社の利用後のクールダウン中です。しばらくしてからやり直すか、`pooldeskctl policy show` を確認してください。</translation>
    </message>
    <message>
        <source>The destination &quot;%1&quot; is not a phone number in international form: a + and the country code, then the number.</source>
        <translation>発信先「%1」は国際形式の電話番号ではありません。+ と国番号に続けて番号を指定してください。</translation>
    </message>
    <message>
        <source>It is %1 for %2 (%3), outside the calling hours %4. Call within them, or change them with `pooldeskctl policy set calling_hours`.</source>
        <translation>%2 の現地時刻は %1（%3）で、発信可能時間 %4 の外です。時間内に発信するか、`pooldeskctl policy set calling_hours` で変更してください。</translation>
    </message>
</context>
<context>
    <name>AnswerRates</name>
    <message>
        <source>The period must end after it starts.</source>
        <translation>期間の終わりは始まりより後にしてください。</translation>
    </message>
</context>
<context>
    <name>ApiExecutor</name>
    <message>
        <source>The service is stopping. Try again.</source>
        <translation>サービスを停止しています。もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>ApiKeys</name>
    <message>
        <source>A key name of 1 to 100 characters is required.</source>
        <translation>1～100 文字のキー名が必要です。</translation>
    </message>
    <message>
        <source>The rate limit must be between 1 and %1 requests per second.</source>
        <translation>レート制限は 1 秒あたり 1～%1 リクエストの範囲で指定してください。</translation>
    </message>
    <message>
        <source>The burst must be between 1 and %1 requests.</source>
        <translation>バースト数は 1～%1 リクエストの範囲で指定してください。</translation>
    </message>
    <message>
        <source>The company the key is for no longer exists.</source>
        <translation>このキーの対象企業はすでに存在しません。</translation>
    </message>
    <message>
        <source>The new key could not be read back.</source>
        <translation>作成したキーを読み戻せませんでした。</translation>
    </message>
    <message>
        <source>There is no API key with the ID %1. List the keys with: pooldeskctl service key list</source>
        <translation>ID %1 の API キーはありません。キーの一覧は pooldeskctl service key list で確認できます。</translation>
    </message>
    <message>
        <source>There is no API key with the ID %1.</source>
        <translation>ID %1 の API キーはありません。</translation>
    </message>
    <message>
        <source>The API key is not valid.</source>
        <translation>API キーが無効です。</translation>
    </message>
    <message>
        <source>The API key is not valid or has been revoked.</source>
        <translation>API キーが無効か、失効しています。</translation>
    </message>
</context>
<context>
    <name>AppInfo</name>
    <message>
        <source>Built from git revision %1.</source>
        <translation>git リビジョン %1 からビルド。</translation>
    </message>
    <message>
        <source>License GPLv3+: GNU GPL version 3 or later &lt;https://gnu.org/licenses/gpl.html&gt;.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.</source>
        <translation>ライセンス GPLv3+: GNU GPL バージョン 3 以降 &lt;https://gnu.org/licenses/gpl.html&gt;。
これはフリーソフトウェアです。自由に変更・再配布できます。
法律で認められる範囲で、一切の保証はありません。</translation>
    </message>
</context>
<context>
    <name>AuditCheckpoint</name>
    <message>
        <source>database, checkpoint %1</source>
        <translation>データベース、チェックポイント %1</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>JSON オブジェクトではありません</translation>
    </message>
    <message>
        <source>not a PoolDesk audit checkpoint (format is not %1)</source>
        <translation>PoolDesk の監査チェックポイントではありません (format が %1 ではありません)</translation>
    </message>
    <message>
        <source>the log identity is missing or malformed</source>
        <translation>ログの識別子がないか、形式が正しくありません</translation>
    </message>
    <message>
        <source>the sequence number is missing or not a whole number</source>
        <translation>連番がないか、整数ではありません</translation>
    </message>
    <message>
        <source>the time is missing or not a whole number of seconds</source>
        <translation>時刻がないか、整数の秒数ではありません</translation>
    </message>
    <message>
        <source>the hash is not 64 hexadecimal digits</source>
        <translation>ハッシュが 16 進数 64 桁ではありません</translation>
    </message>
    <message>
        <source>the public key is not 32 bytes in base64</source>
        <translation>公開鍵が base64 の 32 バイトではありません</translation>
    </message>
    <message>
        <source>the signature is not 64 bytes in base64</source>
        <translation>署名が base64 の 64 バイトではありません</translation>
    </message>
    <message>
        <source>The witness %1 does not exist.</source>
        <translation>証人 %1 が存在しません。</translation>
    </message>
    <message>
        <source>%1 cannot be read as an audit checkpoint.</source>
        <translation>%1 を監査チェックポイントとして読み込めません。</translation>
    </message>
    <message>
        <source>%1 is not an audit checkpoint: %2.</source>
        <translation>%1 は監査チェックポイントではありません: %2。</translation>
    </message>
    <message>
        <source>The witness folder %1 cannot be created.</source>
        <translation>証人フォルダー %1 を作成できません。</translation>
    </message>
    <message>
        <source>The checkpoint could not be written to %1: %2</source>
        <translation>チェックポイントを %1 に書き込めませんでした: %2</translation>
    </message>
</context>
<context>
    <name>AuditLog</name>
    <message>
        <source>The audit log&apos;s head record is missing.</source>
        <translation>監査ログの先頭レコードがありません。</translation>
    </message>
</context>
<context>
    <name>AuditSigning</name>
    <message>
        <source>The keychain&apos;s audit signing key is damaged.</source>
        <translation>キーチェーンの監査署名鍵が壊れています。</translation>
    </message>
    <message>
        <source>The audit log is empty: there is nothing to sign.</source>
        <translation>監査ログが空です。署名するものがありません。</translation>
    </message>
    <message>
        <source>database</source>
        <translation>データベース</translation>
    </message>
    <message>
        <source>The database went away before the new signing key could be registered; it is registered with the first checkpoint.</source>
        <translation>新しい署名鍵を登録する前にデータベースとの接続が切れました。鍵は最初のチェックポイントで登録されます。</translation>
    </message>
</context>
<context>
    <name>AuditVerification</name>
    <message>
        <source>the log&apos;s head record</source>
        <translation>ログの先頭レコード</translation>
    </message>
    <message>
        <source>Entry %1 was rewritten: its content no longer matches its hash.</source>
        <translation>エントリ %1 が書き換えられました: 内容がハッシュと一致しません。</translation>
    </message>
    <message>
        <source>The entry at sequence %1 was deleted.</source>
        <translation>連番 %1 のエントリが削除されました。</translation>
    </message>
    <message>
        <source>The entries at sequence %1 to %2 were deleted.</source>
        <translation>連番 %1 ～ %2 のエントリが削除されました。</translation>
    </message>
    <message>
        <source>Entry %1 was inserted: it is not a link of the chain.</source>
        <translation>エントリ %1 が挿入されました: チェーンの一部ではありません。</translation>
    </message>
    <message>
        <source>Entries %1 and %2 were swapped (sequence %3 and %4).</source>
        <translation>エントリ %1 と %2 が入れ替えられました (連番 %3 と %4)。</translation>
    </message>
    <message>
        <source>The log was cut short: %1 vouches for entries up to sequence %2, and the log ends before %3.</source>
        <translation>ログが切り詰められました: %1 は連番 %2 までのエントリを保証していますが、ログは %3 より前で終わっています。</translation>
    </message>
    <message>
        <source>The entry at sequence %1 is not the one %2 vouches for: the log was rewritten from there on.</source>
        <translation>連番 %1 のエントリは %2 が保証するものではありません: そこから先のログが書き換えられています。</translation>
    </message>
    <message>
        <source>The chain breaks at entry %1.</source>
        <translation>エントリ %1 でチェーンが切れています。</translation>
    </message>
    <message>
        <source>The checkpoint at sequence %1 (%2) has a bad signature, or was signed by a key the log never registered.</source>
        <translation>連番 %1 のチェックポイント (%2) の署名が正しくないか、ログに登録されていない鍵で署名されています。</translation>
    </message>
    <message numerus="yes">
        <source>The audit log is intact: %n entries, </source>
        <translation>
            <numerusform>監査ログは改ざんされていません: エントリ %n 件、</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n signed checkpoints verified.</source>
        <translation>
            <numerusform>署名付きチェックポイント %n 件を検証しました。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AutoScaler</name>
    <message>
        <source>the monthly budget cap of %1 (rental now %2)</source>
        <translation>月間予算の上限 %1（現在の月額料金 %2）</translation>
    </message>
    <message>
        <source>No more numbers are available in %1 to buy; bought %2 of %3.</source>
        <translation>%1 で購入できる番号がもうありません。%3 件中 %2 件を購入しました。</translation>
    </message>
    <message>
        <source>Buying %1…</source>
        <translation>%1 を購入しています…</translation>
    </message>
    <message>
        <source>autoscale: %1 free shared numbers, threshold %2</source>
        <translation>autoscale: 空いている共有番号 %1 個、しきい値 %2</translation>
    </message>
    <message>
        <source>autoscale: idle %1+ days, billing on %2</source>
        <translation>autoscale: %1 日以上アイドル、請求日 %2</translation>
    </message>
    <message>
        <source>The %1 environment has no usable Twilio credentials: set them with `pooldeskctl env set-secret %1`.</source>
        <translation>%1 環境には使用できる Twilio 認証情報がありません。`pooldeskctl env set-secret %1` で設定してください。</translation>
    </message>
    <message numerus="yes">
        <source>autoscale: %1 free shared numbers, threshold %2 (pool service check every %n minute(s))</source>
        <translation>
            <numerusform>自動スケーリング: 空き共有番号 %1 件、しきい値 %2（プールサービスが %n 分ごとに確認）</numerusform>
        </translation>
    </message>
    <message>
        <source>The pool database cannot be reached; auto-scaling tries again at the next check.</source>
        <translation>プールのデータベースに接続できません。自動スケーリングは次回のチェックで再試行します。</translation>
    </message>
    <message numerus="yes">
        <source>the maximum pool size of %n number(s)</source>
        <translation>
            <numerusform>プールの最大番号数 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>idle for %n day(s) or more</source>
        <translation>
            <numerusform>%n 日以上使われていない</numerusform>
        </translation>
    </message>
    <message>
        <source>autoscale: local presence (twilio.autoscale.local_presence_buy)</source>
        <translation>自動スケール: ローカル番号 (twilio.autoscale.local_presence_buy)</translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) to %1 in the last %2 days had no local number</source>
        <translation>
            <numerusform>過去 %2 日間に %1 への %n 件の発信でローカル番号がありませんでした</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CallHistory</name>
    <message>
        <source>Started</source>
        <translation>開始日時</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>終了日時</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>担当者</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>通話時間（秒）</translation>
    </message>
    <message>
        <source>Billed minutes</source>
        <translation>課金対象分数</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>コスト（USD）</translation>
    </message>
    <message>
        <source>Price source</source>
        <translation>料金の取得元</translation>
    </message>
    <message>
        <source>Estimate (USD)</source>
        <translation>見積額（USD）</translation>
    </message>
    <message>
        <source>Twilio price (USD)</source>
        <translation>Twilio の料金（USD）</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>セッション</translation>
    </message>
    <message>
        <source>Call SID</source>
        <translation>通話 SID</translation>
    </message>
    <message>
        <source>The export was cancelled.</source>
        <translation>エクスポートを取り消しました。</translation>
    </message>
    <message>
        <source>Writing the CSV file failed: %1. Check the free space and that the file is writable.</source>
        <translation>CSV ファイルの書き込みに失敗しました: %1。空き容量と、ファイルに書き込めるかを確認してください。</translation>
    </message>
</context>
<context>
    <name>CallerPolicy</name>
    <message>
        <source>%1 takes a whole number from 0 to %2.</source>
        <translation>%1 には 0 から %2 までの整数を指定してください。</translation>
    </message>
    <message>
        <source>local_presence is on or off.</source>
        <translation>local_presence は on または off です。</translation>
    </message>
    <message>
        <source>calling_hours is off, or the callee&apos;s local hours as HH:MM-HH:MM with the start before the end (for example 08:00-21:00).</source>
        <translation>calling_hours は off、または相手の現地時刻で HH:MM-HH:MM（開始は終了より前。例: 08:00-21:00）です。</translation>
    </message>
    <message>
        <source>There is no policy key &quot;%1&quot;. The keys are: %2.</source>
        <translation>ポリシーキー「%1」はありません。キー: %2。</translation>
    </message>
</context>
<context>
    <name>ClosedMonths</name>
    <message>
        <source>Closing a month is for finance and administrators. %1</source>
        <translation>月の締めは経理担当者と管理者が行います。%1</translation>
    </message>
    <message>
        <source>%1 is not over yet: it ends at %2. Close it after that.</source>
        <translation>%1 はまだ終わっていません（%2 に終わります）。その後で締めてください。</translation>
    </message>
    <message>
        <source>%1 was closed on %2 by %3. An administrator can re-open it.</source>
        <translation>%1 は %2 に %3 が締めました。再オープンは管理者が行えます。</translation>
    </message>
    <message>
        <source>Re-opening a closed month is for administrators. %1</source>
        <translation>締めた月の再オープンは管理者が行います。%1</translation>
    </message>
    <message>
        <source>%1 is not closed.</source>
        <translation>%1 は締められていません。</translation>
    </message>
    <message>
        <source>Someone closed or re-opened another month meanwhile. Try again.</source>
        <translation>その間に別の月が締められたか再オープンされました。もう一度お試しください。</translation>
    </message>
    <message>
        <source>%1 is closed too, and its adjustments rest on %2: re-open %1 first.</source>
        <translation>%1 も締め済みで、その調整は %2 に基づいています。先に %1 を再オープンしてください。</translation>
    </message>
</context>
<context>
    <name>Companies</name>
    <message>
        <source>A company needs a name.</source>
        <translation>企業名を入力してください。</translation>
    </message>
    <message>
        <source>A company name can be at most 100 characters long.</source>
        <translation>企業名は 100 文字以内で入力してください。</translation>
    </message>
    <message>
        <source>The maximum number of concurrent calls must be at least 1 (leave it empty for no limit).</source>
        <translation>最大同時通話数は 1 以上にしてください（制限しない場合は空欄にします）。</translation>
    </message>
    <message>
        <source>Monthly minutes cannot be negative.</source>
        <translation>月間通話分数に負の値は指定できません。</translation>
    </message>
    <message>
        <source>The monthly budget cannot be negative.</source>
        <translation>月間予算に負の値は指定できません。</translation>
    </message>
    <message>
        <source>A company named &quot;%1&quot; already exists.</source>
        <translation>&quot;%1&quot; という企業はすでに存在します。</translation>
    </message>
    <message>
        <source>There is no company named &quot;%1&quot;. See the list with &quot;pooldeskctl company list&quot;.</source>
        <translation>&quot;%1&quot; という企業はありません。&quot;pooldeskctl company list&quot; で一覧を確認してください。</translation>
    </message>
    <message>
        <source>The company no longer exists.</source>
        <translation>この企業はすでに存在しません。</translation>
    </message>
    <message>
        <source>Allocations per second must be between 1 and 100,000 (leave it empty for no limit).</source>
        <translation>毎秒の割り当て数は 1〜100,000 の範囲で指定してください（制限なしの場合は空欄）。</translation>
    </message>
    <message>
        <source>A burst needs a rate: set allocations per second too.</source>
        <translation>バースト数には割り当てレートが必要です。毎秒の割り当て数も設定してください。</translation>
    </message>
    <message>
        <source>The allocation burst must be between 1 and 100,000.</source>
        <translation>割り当てバースト数は 1〜100,000 の範囲で指定してください。</translation>
    </message>
</context>
<context>
    <name>CompanyFilter</name>
    <message>
        <source>All companies</source>
        <translation>すべての企業</translation>
    </message>
</context>
<context>
    <name>CompanyReportPdf</name>
    <message>
        <source>%1 — costs %2</source>
        <translation>%1 — コスト %2</translation>
    </message>
    <message>
        <source>Cannot write %1: choose another folder or file name.</source>
        <translation>%1 に書き込めません。別のフォルダーかファイル名を選んでください。</translation>
    </message>
    <message>
        <source>Monthly cost report</source>
        <translation>月次コストレポート</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>プラン</translation>
    </message>
    <message>
        <source>Dedicated numbers</source>
        <translation>専用番号数</translation>
    </message>
    <message>
        <source>Dedicated number rental</source>
        <translation>専用番号の月額料金</translation>
    </message>
    <message>
        <source>Share of the shared-pool rental (%1 billed minutes on shared numbers)</source>
        <translation>共有プール料金の負担額（共有番号での課金対象 %1 分）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>Twilio-billed for %1 priced calls (our estimate for them: %2)</source>
        <translation>料金確定済みの通話 %1 件の Twilio 請求額（PoolDesk の見積額: %2）</translation>
    </message>
    <message>
        <source>This month by category (USD)</source>
        <translation>今月の項目別内訳（USD）</translation>
    </message>
    <message>
        <source>Dedicated rental</source>
        <translation>専用番号の月額料金</translation>
    </message>
    <message>
        <source>Shared-pool share</source>
        <translation>共有プールの負担額</translation>
    </message>
    <message>
        <source>Outbound</source>
        <translation>発信</translation>
    </message>
    <message>
        <source>Inbound</source>
        <translation>着信</translation>
    </message>
    <message>
        <source>Total per month (USD)</source>
        <translation>月別の合計（USD）</translation>
    </message>
    <message>
        <source>PoolDesk · generated %1</source>
        <translation>PoolDesk · %1 作成</translation>
    </message>
    <message>
        <source>Writing %1 failed.</source>
        <translation>%1 の書き込みに失敗しました。</translation>
    </message>
    <message numerus="yes">
        <source>Outbound calls (%Ln call(s), %1 minutes)</source>
        <translation>
            <numerusform>発信 (%Ln 件、%1 分)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Inbound calls (%Ln call(s), %1 minutes)</source>
        <translation>
            <numerusform>着信 (%Ln 件、%1 分)</numerusform>
        </translation>
    </message>
    <message>
        <source>Closed on %1 by %2 · SHA-256 %3</source>
        <translation>%1 に %2 が締め済み · SHA-256 %3</translation>
    </message>
    <message>
        <source>Provisional: this month is not closed yet</source>
        <translation>暫定: この月はまだ締められていません</translation>
    </message>
    <message>
        <source>Corrections to %1 (closed)</source>
        <translation>%1（締め済み）の訂正</translation>
    </message>
</context>
<context>
    <name>CostReport</name>
    <message>
        <source>Shared numbers&apos; monthly rental is divided between the companies that called from shared numbers of the same environment that month, in proportion to their billed minutes on those numbers. Shares are rounded down to the micro-dollar and the remaining micro-dollars go to the largest remainders, so the shares add up exactly to the rental. Rental of shared numbers in an environment nobody called from is shown as unallocated.</source>
        <translation>共有番号の月額料金は、その月に同じ環境の共有番号から発信した企業の間で、それらの番号での課金対象分数に比例して配分します。各企業の負担額はマイクロドル単位で切り捨て、残りのマイクロドルは端数の大きい順に割り振るため、負担額の合計は月額料金と正確に一致します。誰も発信しなかった環境の共有番号の料金は、未配分として表示します。</translation>
    </message>
    <message>
        <source>Call charges use the price Twilio reported for the call, and the tariff&apos;s per-minute estimate for calls Twilio has not priced yet. A number&apos;s monthly fee is charged on the day of the month it was bought.</source>
        <translation>通話料金には Twilio から報告された通話の料金を使用し、Twilio の料金が未確定の通話には料金表の 1 分あたりの単価による見積額を使用します。番号の月額料金は、毎月その番号を購入した日に請求されます。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a month. Write it as YYYY-MM, for example 2026-03.</source>
        <translation>&quot;%1&quot; は月の指定ではありません。2026-03 のように YYYY-MM の形式で入力してください。</translation>
    </message>
    <message>
        <source>(deleted company)</source>
        <translation>（削除された企業）</translation>
    </message>
    <message>
        <source>%1 (dedicated to %2) had no calls in %3. Release it to save %4 a month.</source>
        <translation>%1（%2 の専用番号）は %3 に通話がありませんでした。解放すると月 %4 節約できます。</translation>
    </message>
    <message>
        <source>%1 (shared, %2) had no calls in %3. Release it to save %4 a month.</source>
        <translation>%1（共有、%2）は %3 に通話がありませんでした。解放すると月 %4 節約できます。</translation>
    </message>
    <message>
        <source>%1, dedicated to %2, was in calls %3% of the time in %4 (%5 calls). Moving %2 to the hybrid or standard plan and releasing it would save %6 a month.</source>
        <translation>%2 の専用番号 %1 は、%4 の通話時間の割合が %3% でした（通話 %5 件）。%2 をハイブリッドまたはスタンダードプランに変更してこの番号を解放すると、月 %6 節約できます。</translation>
    </message>
    <message>
        <source>The %1 shared pool has %2 numbers; Erlang B says %3 keep blocking under %4% at the busiest hour (%5, %6 erlangs). Releasing %7 would save about %8 a month.</source>
        <translation>%1 の共有プールには %2 個の番号があります。アーラン B 式では、最繁時（%5、%6 アーラン）の呼損率を %4% 未満に抑えるのに %3 個で足ります。%7 個を解放すると月約 %8 節約できます。</translation>
    </message>
    <message>
        <source>The %1 shared pool has %2 numbers; Erlang B needs %3 to keep blocking under %4% at the busiest hour (%5, %6 erlangs). Adding %7 would cost about %8 a month.</source>
        <translation>%1 の共有プールには %2 個の番号があります。アーラン B 式では、最繁時（%5、%6 アーラン）の呼損率を %4% 未満に抑えるには %3 個が必要です。%7 個を追加すると月約 %8 の費用がかかります。</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>プラン</translation>
    </message>
    <message>
        <source>Dedicated numbers</source>
        <translation>専用番号数</translation>
    </message>
    <message>
        <source>Dedicated rental (USD)</source>
        <translation>専用番号の月額料金（USD）</translation>
    </message>
    <message>
        <source>Shared minutes</source>
        <translation>共有番号の通話分数</translation>
    </message>
    <message>
        <source>Shared rental share (USD)</source>
        <translation>共有番号料金の負担額（USD）</translation>
    </message>
    <message>
        <source>Outbound calls</source>
        <translation>発信数</translation>
    </message>
    <message>
        <source>Outbound minutes</source>
        <translation>発信分数</translation>
    </message>
    <message>
        <source>Outbound (USD)</source>
        <translation>発信料金（USD）</translation>
    </message>
    <message>
        <source>Inbound calls</source>
        <translation>着信数</translation>
    </message>
    <message>
        <source>Inbound minutes</source>
        <translation>着信分数</translation>
    </message>
    <message>
        <source>Inbound (USD)</source>
        <translation>着信料金（USD）</translation>
    </message>
    <message>
        <source>Total (USD)</source>
        <translation>合計（USD）</translation>
    </message>
    <message>
        <source>Twilio-priced calls</source>
        <translation>Twilio の料金が確定した通話</translation>
    </message>
    <message>
        <source>Twilio billed (USD)</source>
        <translation>Twilio の請求額（USD）</translation>
    </message>
    <message>
        <source>Estimate of those calls (USD)</source>
        <translation>それらの通話の見積額（USD）</translation>
    </message>
    <message>
        <source>(unallocated shared rental)</source>
        <translation>（未配分の共有番号料金）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>Dedicated to</source>
        <translation>専用先の企業</translation>
    </message>
    <message>
        <source>Rental (USD)</source>
        <translation>月額料金（USD）</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通話数</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>通話分数</translation>
    </message>
    <message>
        <source>Call cost (USD)</source>
        <translation>通話料金（USD）</translation>
    </message>
    <message>
        <source>Utilization</source>
        <translation>使用率</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>番号数</translation>
    </message>
    <message>
        <source>Monthly saving (USD)</source>
        <translation>月間の節約額（USD）</translation>
    </message>
    <message>
        <source>Advice</source>
        <translation>提案</translation>
    </message>
    <message>
        <source>Writing the CSV file failed: %1. Check the free space and that the file is writable.</source>
        <translation>CSV ファイルの書き込みに失敗しました: %1。空き容量と、ファイルに書き込めるかを確認してください。</translation>
    </message>
    <message>
        <source>Month (%1)</source>
        <translation>月（%1）</translation>
    </message>
    <message>
        <source>Adjustments (USD)</source>
        <translation>調整（USD）</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>The Qt SQLite driver is not installed (package libqt6sql6-sqlite).</source>
        <translation>Qt の SQLite ドライバーがインストールされていません（パッケージ libqt6sql6-sqlite）。</translation>
    </message>
    <message>
        <source>The Qt PostgreSQL driver is not installed (package libqt6sql6-psql).</source>
        <translation>Qt の PostgreSQL ドライバーがインストールされていません（パッケージ libqt6sql6-psql）。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the database.</source>
        <translation>データベース用のフォルダー %1 を作成できません。</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>データベース %1 を開けません: %2</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>No database given.</source>
        <translation>データベースが指定されていません。</translation>
    </message>
    <message>
        <source>The PostgreSQL address is not valid. Use postgresql://user:password@host:port/database.</source>
        <translation>PostgreSQL のアドレスが正しくありません。postgresql://user:password@host:port/database の形式で指定してください。</translation>
    </message>
    <message>
        <source>The SQLite database path is empty.</source>
        <translation>SQLite データベースのパスが空です。</translation>
    </message>
    <message>
        <source>The SQLite database&apos;s file name ends with a space.</source>
        <translation>SQLite データベースのファイル名が空白で終わっています。</translation>
    </message>
</context>
<context>
    <name>DemoWorkspace</name>
    <message>
        <source>The demo covers between 1 and 3650 days.</source>
        <translation>デモの期間は 1～3650 日の範囲で指定してください。</translation>
    </message>
    <message>
        <source>The demo workspace is only created in an empty database, so it never mixes with real data. Use a new database (--db) for the demo.</source>
        <translation>デモワークスペースは実データと混ざらないよう、空のデータベースにのみ作成されます。デモには新しいデータベース（--db）を使用してください。</translation>
    </message>
    <message>
        <source>Operator %1</source>
        <translation>担当者 %1</translation>
    </message>
    <message>
        <source>Creating the demo workspace was cancelled; nothing was kept.</source>
        <translation>デモワークスペースの作成を取り消しました。何も保存されていません。</translation>
    </message>
    <message>
        <source>Demo workspace created: %1, %2, %3.</source>
        <translation>デモ ワークスペースを作成しました: %1、%2、%3。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln company(ies)</source>
        <translation>
            <numerusform>%Ln 社</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln number(s)</source>
        <translation>
            <numerusform>%Ln 件の番号</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln call(s)</source>
        <translation>
            <numerusform>%Ln 件の通話</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Ed25519</name>
    <message>
        <source>OpenSSL could not export the signing key.</source>
        <translation>OpenSSL が署名鍵を書き出せませんでした。</translation>
    </message>
    <message>
        <source>OpenSSL could not make an Ed25519 key.</source>
        <translation>OpenSSL が Ed25519 鍵を作成できませんでした。</translation>
    </message>
    <message>
        <source>The stored signing key is not an Ed25519 key.</source>
        <translation>保存されている署名鍵は Ed25519 鍵ではありません。</translation>
    </message>
    <message>
        <source>OpenSSL could not sign.</source>
        <translation>OpenSSL が署名できませんでした。</translation>
    </message>
</context>
<context>
    <name>EnvironmentProfile</name>
    <message>
        <source>API key secret</source>
        <translation>API キーのシークレット</translation>
    </message>
    <message>
        <source>auth token</source>
        <translation>認証トークン</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Twilio Account SID: it starts with AC followed by 32 hexadecimal digits (see the Twilio console&apos;s account dashboard).</source>
        <translation>&quot;%1&quot; は Twilio のアカウント SID ではありません。アカウント SID は AC に続く 16 進数 32 桁です（Twilio コンソールのアカウントダッシュボードで確認できます）。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Twilio API key SID: it starts with SK followed by 32 hexadecimal digits.</source>
        <translation>&quot;%1&quot; は Twilio の API キー SID ではありません。API キー SID は SK に続く 16 進数 32 桁です。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a usable webhook base URL: give the public http(s) address Twilio should call, such as https://example.ngrok-free.app.</source>
        <translation>&quot;%1&quot; は Webhook のベース URL として使用できません。https://example.ngrok-free.app のような、Twilio が呼び出す公開 http(s) アドレスを指定してください。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a usable webhook path: it starts with / and has no spaces or query.</source>
        <translation>&quot;%1&quot; は Webhook のパスとして使用できません。/ で始まり、空白やクエリを含まないパスを指定してください。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid environment name: use lower-case letters, digits and dashes.</source>
        <translation>&quot;%1&quot; は有効な環境名ではありません。英小文字、数字、ハイフンを使用してください。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not Twilio&apos;s API address: give https://api.twilio.com or a regional one such as https://api.dublin.ie1.twilio.com. Credentials are sent only to Twilio; for a mock server, start PoolDesk with POOLDESK_TWILIO_BASE_URL set.</source>
        <translation>「%1」は Twilio の API アドレスではありません。https://api.twilio.com か、https://api.dublin.ie1.twilio.com のようなリージョンのアドレスを指定してください。認証情報は Twilio にだけ送ります。モックサーバーを使うときは、POOLDESK_TWILIO_BASE_URL を設定して PoolDesk を起動してください。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a usable Twilio API base URL: give an https address, or http only on this computer, for a mock server.</source>
        <translation>「%1」は Twilio API のベース URL として使えません。https のアドレスを指定してください（http はこのコンピューター上のモックサーバーに限ります）。</translation>
    </message>
</context>
<context>
    <name>Environments</name>
    <message>
        <source>There is no environment &quot;%1&quot;. Create it with `pooldeskctl env set %1 --account-sid AC...`.</source>
        <translation>環境 &quot;%1&quot; はありません。`pooldeskctl env set %1 --account-sid AC...` で作成してください。</translation>
    </message>
</context>
<context>
    <name>ExportFlow</name>
    <message>
        <source>Export as CSV</source>
        <translation>CSV にエクスポート</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>参照(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>ファイル(&amp;F):</translation>
    </message>
    <message>
        <source>Add a byte-order mark (Excel needs it to show Japanese text correctly)</source>
        <translation>BOM（バイトオーダーマーク）を付ける（Excel で日本語を正しく表示するのに必要です）</translation>
    </message>
    <message>
        <source>Exports the rows the view shows, with its filters and order, as UTF-8 CSV.</source>
        <translation>ビューに表示中の行を、フィルターと並び順のまま UTF-8 の CSV としてエクスポートします。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>エクスポート</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV ファイル (*.csv);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Choose another folder or file name.</source>
        <translation>%1 に書き込めません: %2。別のフォルダーかファイル名を選んでください。</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>エクスポートを取り消しました。ファイルは作成されていません。</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>%1 を保存できません: %2</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>%1 にエクスポートしています…</translation>
    </message>
    <message>
        <source>Writing the file failed (is the disk full?).</source>
        <translation>ファイルの書き込みに失敗しました（ディスクの空き容量が不足していませんか？）。</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln row(s) to &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;.</source>
        <translation>
            <numerusform>%Ln 行を &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt; に書き出しました。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HttpFrontend</name>
    <message>
        <source>Cannot accept connections (%1): pausing for %2 ms. Raise the open-file limit or lower --max-connections.</source>
        <translation>接続を受け付けられません（%1）。%2 ミリ秒待機します。オープンファイル数の上限を上げるか、--max-connections を下げてください。</translation>
    </message>
    <message>
        <source>The request did not arrive whole within %1 ms.</source>
        <translation>リクエストが %1 ミリ秒以内に最後まで届きませんでした。</translation>
    </message>
    <message>
        <source>Twilio did not give the recording: %1</source>
        <translation>Twilio から録音を取得できませんでした: %1</translation>
    </message>
</context>
<context>
    <name>HttpRequestParser</name>
    <message>
        <source>The request line is not METHOD /path HTTP/1.1 ending in CRLF.</source>
        <translation>リクエスト行が「METHOD /path HTTP/1.1」＋CRLF の形式ではありません。</translation>
    </message>
    <message>
        <source>A header line is malformed: lines must end in CRLF, must not be folded, and a header name must be followed by its colon directly.</source>
        <translation>ヘッダー行の形式が不正です。各行は CRLF で終わり、折り返しは不可で、ヘッダー名の直後にコロンが必要です。</translation>
    </message>
    <message>
        <source>An HTTP/1.1 request needs exactly one Host header.</source>
        <translation>HTTP/1.1 のリクエストには Host ヘッダーがちょうど 1 つ必要です。</translation>
    </message>
    <message>
        <source>Authorization, Content-Type and X-Twilio-Signature may each be sent once.</source>
        <translation>Authorization、Content-Type、X-Twilio-Signature はそれぞれ 1 回だけ送信できます。</translation>
    </message>
    <message>
        <source>Content-Length must be one non-negative decimal number, sent once, and not together with Transfer-Encoding.</source>
        <translation>Content-Length は 0 以上の 10 進数 1 つを 1 回だけ送信し、Transfer-Encoding と併用しないでください。</translation>
    </message>
    <message>
        <source>Transfer-Encoding (chunked) is not supported: send the body with Content-Length.</source>
        <translation>Transfer-Encoding（chunked）には対応していません。本文は Content-Length 付きで送信してください。</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>リクエスト本文が %1 バイトを超えています。</translation>
    </message>
    <message>
        <source>The request line is longer than %1 bytes.</source>
        <translation>リクエスト行が %1 バイトを超えています。</translation>
    </message>
    <message>
        <source>The request&apos;s headers are larger than %1 bytes or more than %2 fields.</source>
        <translation>リクエストヘッダーが %1 バイトを超えているか、%2 個を超えています。</translation>
    </message>
    <message>
        <source>Only HTTP/1.1 and HTTP/1.0 are supported.</source>
        <translation>対応しているのは HTTP/1.1 と HTTP/1.0 のみです。</translation>
    </message>
</context>
<context>
    <name>Identity</name>
    <message>
        <source>This pool is a SQLite file: whoever can open the file has full access to it, so it has no users or roles. Teams that need them keep the pool in PostgreSQL.</source>
        <translation>このプールは SQLite ファイルです。ファイルを開ける人は誰でもすべてにアクセスできるため、ユーザーやロールはありません。ユーザーやロールが必要なチームは、プールを PostgreSQL に置いてください。</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>Finance</source>
        <translation>経理</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>マネージャー</translation>
    </message>
    <message>
        <source>The database login &quot;%1&quot; is not a PoolDesk user. An administrator adds it with `pooldeskctl user add %1 --role administrator|finance|manager`.</source>
        <translation>データベースのログイン &quot;%1&quot; は PoolDesk のユーザーではありません。管理者が `pooldeskctl user add %1 --role administrator|finance|manager` で追加してください。</translation>
    </message>
    <message>
        <source>Only an administrator may add, change or remove users; you are %1 (%2).</source>
        <translation>ユーザーの追加・変更・削除は管理者だけが行えます。あなたは %1（%2）です。</translation>
    </message>
    <message>
        <source>A manager manages one or more companies: name them with --company.</source>
        <translation>マネージャーは 1 社以上の企業を担当します。--company で企業を指定してください。</translation>
    </message>
    <message>
        <source>Only a manager is limited to companies: %1 sees every company.</source>
        <translation>企業を限定できるのはマネージャーだけです。%1 はすべての企業を見られます。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a login: use 1 to 63 ASCII letters, digits or . _ @ -, not starting with pg_ or pooldesk_.</source>
        <translation>&quot;%1&quot; はログイン名に使えません。ASCII の英字・数字・. _ @ - を 1～63 文字で指定してください（pg_ や pooldesk_ で始まる名前は使えません）。</translation>
    </message>
    <message>
        <source>The password is empty.</source>
        <translation>パスワードが空です。</translation>
    </message>
    <message>
        <source>%1 is already a PoolDesk user. Change its role with `pooldeskctl user set-role`.</source>
        <translation>%1 はすでに PoolDesk のユーザーです。ロールの変更は `pooldeskctl user set-role` で行ってください。</translation>
    </message>
    <message>
        <source>The database already has a login named %1; PoolDesk makes it a user without touching its password. Leave out --password-stdin.</source>
        <translation>データベースには %1 というログインがすでにあります。PoolDesk はパスワードを変えずにユーザーとして登録します。--password-stdin を外してください。</translation>
    </message>
    <message>
        <source>%1 is not a PoolDesk user. See the list with `pooldeskctl user list`.</source>
        <translation>%1 は PoolDesk のユーザーではありません。`pooldeskctl user list` で一覧を確認してください。</translation>
    </message>
    <message>
        <source>You cannot remove yourself: sign in as another administrator to remove %1.</source>
        <translation>自分自身は削除できません。%1 を削除するには、別の管理者でサインインしてください。</translation>
    </message>
    <message>
        <source>Pool service</source>
        <translation>プールサービス</translation>
    </message>
    <message>
        <source>Adding and changing users needs a database login that may create roles (CREATEROLE), such as the one that created the database; %1 may not. Sign in as that login, or ask the server&apos;s administrator.</source>
        <translation>ユーザーの追加・変更には、ロールを作成できるデータベースログイン（CREATEROLE、データベースを作成したログインなど）が必要です。%1 にはその権限がありません。そのログインでサインインするか、サーバーの管理者に依頼してください。</translation>
    </message>
    <message>
        <source>The login %1 is already a PoolDesk user of another database on this server (%2), and its role would reach into this one. Give it a login of its own here.</source>
        <translation>ログイン %1 は、このサーバー上の別のデータベースの PoolDesk ユーザーです（%2）。そのロールがこのデータベースにも及んでしまいます。このデータベース用に別のログインを用意してください。</translation>
    </message>
    <message>
        <source>Needs the %1 or %2 role.</source>
        <translation>%1 または %2 のロールが必要です。</translation>
    </message>
    <message>
        <source>Needs the %1 role.</source>
        <translation>%1 のロールが必要です。</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
</context>
<context>
    <name>Migrations</name>
    <message>
        <source>The database was created by a newer PoolDesk (schema %1; this version knows %2). Update PoolDesk.</source>
        <translation>このデータベースは新しいバージョンの PoolDesk で作成されています（スキーマ %1。このバージョンが対応しているのは %2 まで）。PoolDesk を更新してください。</translation>
    </message>
    <message>
        <source>Migration %1 (%2) failed: %3</source>
        <translation>マイグレーション %1（%2）に失敗しました: %3</translation>
    </message>
    <message>
        <source>Two migrations share the number %1 (%2 and %3). Give one of them the next free number.</source>
        <translation>2 つのマイグレーションが同じ番号 %1 を使っています（%2 と %3）。どちらかに次の空き番号を付けてください。</translation>
    </message>
    <message>
        <source>This PoolDesk database needs a schema upgrade to version %1, which only its owner (a member of the role %2) may run. Ask them to start PoolDesk, or `pooldeskctl db migrate`, once.</source>
        <translation>この PoolDesk データベースはスキーマをバージョン %1 へ更新する必要があります。更新できるのは所有者（ロール %2 のメンバー）だけです。所有者に PoolDesk を一度起動するか、`pooldeskctl db migrate` を実行するよう依頼してください。</translation>
    </message>
</context>
<context>
    <name>NumberCsv</name>
    <message>
        <source>A quoted field that starts on this line is never closed (a &quot; is missing).</source>
        <translation>この行で始まる引用符付きのフィールドが閉じられていません (&quot; が不足しています)。</translation>
    </message>
    <message>
        <source>Text follows a closing quote. Inside quotes, write a quote as &quot;&quot;.</source>
        <translation>閉じ引用符の後に文字があります。引用符の中の引用符は &quot;&quot; と書いてください。</translation>
    </message>
    <message numerus="yes">
        <source>A field is longer than %n byte(s).</source>
        <translation>
            <numerusform>フィールドが %n バイトを超えています。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The row has more than %n field(s).</source>
        <translation>
            <numerusform>行のフィールドが %n 個を超えています。</numerusform>
        </translation>
    </message>
    <message>
        <source>The header is not UTF-8 text.</source>
        <translation>ヘッダーが UTF-8 のテキストではありません。</translation>
    </message>
    <message>
        <source>The first row must name the columns: &quot;%1&quot; is not one of %2.</source>
        <translation>最初の行には列名を書いてください: &quot;%1&quot; は %2 のいずれでもありません。</translation>
    </message>
    <message>
        <source>The column &quot;%1&quot; appears twice in the header.</source>
        <translation>列 &quot;%1&quot; がヘッダーに 2 回あります。</translation>
    </message>
    <message>
        <source>The header has no &quot;number&quot; column (the columns are %1).</source>
        <translation>ヘッダーに &quot;number&quot; 列がありません (列: %1)。</translation>
    </message>
    <message numerus="yes">
        <source>The file is larger than %n MB: split it into several imports.</source>
        <translation>
            <numerusform>ファイルが %n MB を超えています。複数回に分けてインポートしてください。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The file has more than %n row(s): split it into several imports.</source>
        <translation>
            <numerusform>ファイルの行が %n 行を超えています。複数回に分けてインポートしてください。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The row has %n field(s) but the header has %1.</source>
        <translation>
            <numerusform>この行のフィールドは %n 個ですが、ヘッダーは %1 個です。</numerusform>
        </translation>
    </message>
    <message>
        <source>Field %1 has a value but its column has no name in the header.</source>
        <translation>フィールド %1 に値がありますが、ヘッダーにその列の名前がありません。</translation>
    </message>
    <message>
        <source>The row is not UTF-8 text. Save the file as CSV UTF-8.</source>
        <translation>この行は UTF-8 のテキストではありません。ファイルを CSV UTF-8 で保存してください。</translation>
    </message>
    <message>
        <source>The number is missing.</source>
        <translation>番号がありません。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount in US dollars such as 1.15.</source>
        <translation>&quot;%1&quot; は 1.15 のような米ドルの金額ではありません。</translation>
    </message>
    <message>
        <source>The monthly price %1 is not between 0 and %2 US dollars.</source>
        <translation>月額料金 %1 が 0〜%2 米ドルの範囲外です。</translation>
    </message>
    <message>
        <source>%1 is already on line %2 of this file.</source>
        <translation>%1 はこのファイルの %2 行目にすでにあります。</translation>
    </message>
    <message>
        <source>The file is empty: it needs a header row (%1) and a row per number.</source>
        <translation>ファイルが空です。ヘッダー行 (%1) と番号ごとの行が必要です。</translation>
    </message>
    <message>
        <source>The file has a header but no numbers.</source>
        <translation>ファイルにヘッダーはありますが、番号がありません。</translation>
    </message>
</context>
<context>
    <name>NumberImport</name>
    <message>
        <source>There is no environment named &quot;%1&quot; (there are: %2).</source>
        <translation>&quot;%1&quot; という環境はありません (あるもの: %2)。</translation>
    </message>
    <message>
        <source>%1 is already in the %2 pool.</source>
        <translation>%1 はすでに %2 のプールにあります。</translation>
    </message>
    <message>
        <source>There is no company named &quot;%1&quot;. See the list with &quot;pooldeskctl company list&quot;.</source>
        <translation>&quot;%1&quot; という会社はありません。&quot;pooldeskctl company list&quot; で一覧を確認してください。</translation>
    </message>
    <message>
        <source>Line %1: there is no company named &quot;%2&quot;.</source>
        <translation>%1 行目: &quot;%2&quot; という会社はありません。</translation>
    </message>
    <message>
        <source>Line %1: %2 Nothing was imported.</source>
        <translation>%1 行目: %2 何もインポートしていません。</translation>
    </message>
</context>
<context>
    <name>Numbers</name>
    <message>
        <source>The number %1 is not in the %2 pool.</source>
        <translation>番号 %1 は %2 プールにありません。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a phone number in E.164 form. Write it with the country code, like +16076956082.</source>
        <translation>&quot;%1&quot; は E.164 形式の電話番号ではありません。+16076956082 のように国番号を付けて入力してください。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid environment name (use lower-case letters, digits, - or _).</source>
        <translation>&quot;%1&quot; は有効な環境名ではありません（英小文字、数字、- または _ を使用してください）。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Twilio phone number SID (PN followed by 32 hexadecimal digits).</source>
        <translation>&quot;%1&quot; は Twilio の電話番号 SID ではありません（PN に続く 16 進数 32 桁）。</translation>
    </message>
    <message>
        <source>The monthly price cannot be negative.</source>
        <translation>月額料金に負の値は指定できません。</translation>
    </message>
    <message>
        <source>The number %1 is already in the %2 pool.</source>
        <translation>番号 %1 はすでに %2 プールにあります。</translation>
    </message>
    <message>
        <source>%1 is holding a call. Remove it after the call ends.</source>
        <translation>%1 は通話中です。通話が終わってから削除してください。</translation>
    </message>
    <message>
        <source>There is no company named &quot;%1&quot;.</source>
        <translation>&quot;%1&quot; という企業はありません。</translation>
    </message>
    <message>
        <source>%1 is holding a call. Change its assignment after the call ends.</source>
        <translation>%1 は通話中です。通話が終わってから割り当てを変更してください。</translation>
    </message>
</context>
<context>
    <name>PoolDesk</name>
    <message>
        <source>Outbound</source>
        <translation>発信</translation>
    </message>
    <message>
        <source>Inbound</source>
        <translation>着信</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>スタンダード</translation>
    </message>
    <message>
        <source>Enterprise</source>
        <translation>エンタープライズ</translation>
    </message>
    <message>
        <source>Hybrid</source>
        <translation>ハイブリッド</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>利用可能</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>予約済み</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>使用中</translation>
    </message>
</context>
<context>
    <name>PoolDesk::AuditTableModel</name>
    <message>
        <source>Before: %1
After: %2</source>
        <translation>変更前: %1
変更後: %2</translation>
    </message>
    <message>
        <source>(nothing)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>実行者</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>対象</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>変更内容</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>日時（UTC）</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>変更前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>変更後</translation>
    </message>
    <message>
        <source>The export was cancelled.</source>
        <translation>エクスポートを取り消しました。</translation>
    </message>
    <message>
        <source>Writing the CSV file failed: %1.</source>
        <translation>CSV ファイルの書き込みに失敗しました: %1。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::CallsTableModel</name>
    <message>
        <source>Twilio&apos;s billed price.</source>
        <translation>Twilio の請求額です。</translation>
    </message>
    <message>
        <source>Estimated from the tariff: Twilio has not reported this call&apos;s price yet.</source>
        <translation>料金表からの見積額です。Twilio からこの通話の料金がまだ報告されていません。</translation>
    </message>
    <message>
        <source>Ended %1; session %2</source>
        <translation>終了 %1、セッション %2</translation>
    </message>
    <message>
        <source>The company was deleted.</source>
        <translation>この企業は削除されました。</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>（削除済み）</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始日時</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>担当者</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>通話時間</translation>
    </message>
    <message>
        <source>Billed minutes</source>
        <translation>課金対象分数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>コスト</translation>
    </message>
    <message>
        <source>Twilio price</source>
        <translation>Twilio の料金</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s): select the call to play them below.</source>
        <translation>
            <numerusform>録音 %n 件: 通話を選ぶと下で再生できます。</numerusform>
        </translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation>録音</translation>
    </message>
</context>
<context>
    <name>PoolDesk::CompaniesTableModel</name>
    <message>
        <source>Calls from the shared pool.</source>
        <translation>共有プールから発信します。</translation>
    </message>
    <message>
        <source>Calls only from its dedicated numbers.</source>
        <translation>企業専用番号からのみ発信します。</translation>
    </message>
    <message>
        <source>Calls from its dedicated numbers first, then from the shared pool.</source>
        <translation>まず企業専用番号から発信し、使用中なら共有プールから発信します。</translation>
    </message>
    <message>
        <source>Call charges this month (Twilio&apos;s price where reported, the tariff otherwise); number rental is in the Costs view.</source>
        <translation>今月の通話料金です（Twilio から報告された料金、未報告の通話は料金表による見積額）。番号の月額料金はコストビューで確認できます。</translation>
    </message>
    <message>
        <source>%1 of %2 spent this month.</source>
        <translation>今月は %2 のうち %1 を使用しました。</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>プラン</translation>
    </message>
    <message>
        <source>Dedicated numbers</source>
        <translation>専用番号数</translation>
    </message>
    <message>
        <source>Max concurrent calls</source>
        <translation>最大同時通話数</translation>
    </message>
    <message>
        <source>Monthly minutes limit</source>
        <translation>月間通話分数の上限</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>月間予算</translation>
    </message>
    <message>
        <source>Calls this month</source>
        <translation>今月の通話数</translation>
    </message>
    <message>
        <source>Minutes this month</source>
        <translation>今月の通話分数</translation>
    </message>
    <message>
        <source>Call cost this month</source>
        <translation>今月の通話料金</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %Ln minute(s) used this month.</source>
        <translation>
            <numerusform>今月 %Ln 分のうち %1 分を使用。</numerusform>
        </translation>
    </message>
    <message>
        <source>Months begin at midnight in %1, the workspace&apos;s billing time zone.</source>
        <translation>月はワークスペースの請求タイムゾーン %1 の午前 0 時に始まります。</translation>
    </message>
    <message>
        <source>Numbers the company holds now: reserved (allocated, call not confirmed yet) or in use (on a call).</source>
        <translation>企業が現在保持している番号: 予約中（割り当て済み、通話未確認）または使用中（通話中）。</translation>
    </message>
    <message>
        <source>Numbers held</source>
        <translation>保持中の番号</translation>
    </message>
</context>
<context>
    <name>PoolDesk::CostReportModel</name>
    <message>
        <source>Unallocated shared rental</source>
        <translation>未配分の共有番号料金</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>共有</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>Dedicated to</source>
        <translation>専用先の企業</translation>
    </message>
    <message>
        <source>Rental</source>
        <translation>月額料金</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通話数</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>通話分数</translation>
    </message>
    <message>
        <source>Call cost</source>
        <translation>通話料金</translation>
    </message>
    <message>
        <source>Utilization</source>
        <translation>使用率</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>プラン</translation>
    </message>
    <message>
        <source>Dedicated numbers</source>
        <translation>専用番号数</translation>
    </message>
    <message>
        <source>Dedicated rental</source>
        <translation>専用番号の月額料金</translation>
    </message>
    <message>
        <source>Shared-pool minutes</source>
        <translation>共有プールの通話分数</translation>
    </message>
    <message>
        <source>Shared rental share</source>
        <translation>共有番号料金の負担額</translation>
    </message>
    <message>
        <source>Outbound</source>
        <translation>発信</translation>
    </message>
    <message>
        <source>Inbound</source>
        <translation>着信</translation>
    </message>
    <message>
        <source>Twilio billed</source>
        <translation>Twilio の請求額</translation>
    </message>
    <message>
        <source>Estimated (same calls)</source>
        <translation>見積額（同じ通話）</translation>
    </message>
    <message>
        <source>Corrections to %1 (closed): %2</source>
        <translation>%1（締め済み）の訂正: %2</translation>
    </message>
    <message>
        <source>Late corrections to closed months (calls synced after closing, prices Twilio changed), charged in this month.</source>
        <translation>締め済みの月への後からの訂正（締め後に同期された通話、Twilio が変更した料金）。この月に計上します。</translation>
    </message>
    <message>
        <source>Adjustments</source>
        <translation>調整</translation>
    </message>
</context>
<context>
    <name>PoolDesk::CsvExportJob</name>
    <message>
        <source>The export was cancelled.</source>
        <translation>エクスポートを取り消しました。</translation>
    </message>
    <message>
        <source>Writing the CSV file failed: %1.</source>
        <translation>CSV ファイルの書き込みに失敗しました: %1。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Choose a folder you can write to.</source>
        <translation>%1 に書き込めません: %2。書き込み可能なフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2.</source>
        <translation>%1 に書き込めません: %2。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::PoolService</name>
    <message>
        <source>&quot;%1&quot; is not a valid environment name.</source>
        <translation>&quot;%1&quot; は有効な環境名ではありません。</translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2: %3</source>
        <translation>%1:%2 で待ち受けできません: %3</translation>
    </message>
    <message>
        <source>Cannot share the listening socket with a worker thread.</source>
        <translation>待ち受けソケットをワーカースレッドと共有できません。</translation>
    </message>
    <message>
        <source>pooldesk-service is signed in as %1, whose role is %2. It needs a login of its own with the service role: `pooldeskctl user add LOGIN --role service`.</source>
        <translation>pooldesk-service はロール %2 の %1 としてサインインしています。サービスロールを持つ専用のログインが必要です: `pooldeskctl user add ログイン --role service`。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::PoolTableModel</name>
    <message>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Held by</source>
        <translation>使用中の企業</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>担当者</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>セッション</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>保持開始日時</translation>
    </message>
    <message>
        <source>Calls today</source>
        <translation>今日の通話数</translation>
    </message>
    <message>
        <source>Minutes today</source>
        <translation>今日の通話分数</translation>
    </message>
    <message>
        <source>Total calls</source>
        <translation>通話数の累計</translation>
    </message>
    <message>
        <source>Total minutes</source>
        <translation>通話分数の累計</translation>
    </message>
    <message>
        <source>Utilization (7 days)</source>
        <translation>使用率（7 日間）</translation>
    </message>
    <message>
        <source>Next billing</source>
        <translation>次回請求日</translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>Twilio no longer lists this number in the account.</source>
        <translation>この番号は Twilio アカウントにもう存在しません。</translation>
    </message>
    <message>
        <source>Used only by %1.</source>
        <translation>%1 専用です。</translation>
    </message>
    <message>
        <source>Shared by every company that calls from the pool.</source>
        <translation>プールから発信するすべての企業で共有します。</translation>
    </message>
    <message>
        <source>Held by %1 (operator %2, session %3) since %4; the lease runs out at %5.</source>
        <translation>%4 から %1 が使用中です（担当者 %2、セッション %3）。リースは %5 に期限切れになります。</translation>
    </message>
    <message>
        <source>Share of the last 7 days this number spent in calls.</source>
        <translation>過去 7 日間のうち、この番号が通話に使われていた時間の割合です。</translation>
    </message>
    <message>
        <source>Twilio charges %1 on day %2 of each month.</source>
        <translation>Twilio が毎月 %2 日に %1 を請求します。</translation>
    </message>
    <message>
        <source>Set the environment&apos;s webhook URL to compare.</source>
        <translation>比較するには、環境の Webhook URL を設定してください。</translation>
    </message>
    <message>
        <source>Voice URL: %1
Expected: %2</source>
        <translation>音声 URL: %1
期待値: %2</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>Dedicated: %1</source>
        <translation>専用: %1</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>共有</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>%n 日後</numerusform>
        </translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Differs</source>
        <translation>不一致</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未設定</translation>
    </message>
    <message>
        <source>Being released to Twilio: calls do not get this number meanwhile.</source>
        <translation>Twilio で解約処理中です。その間、通話にこの番号は割り当てられません。</translation>
    </message>
    <message>
        <source>Being released</source>
        <translation>解約処理中</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健全性</translation>
    </message>
    <message numerus="yes">
        <source>Answer rate (%n days)</source>
        <translation>
            <numerusform>応答率（%n 日）</numerusform>
        </translation>
    </message>
    <message>
        <source>Resting until</source>
        <translation>休止期限</translation>
    </message>
    <message>
        <source>Resting until %1: %2</source>
        <translation>%1 まで休止中: %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n call(s) answered in the last %2 days; the same holder&apos;s numbers in its area code answered %3. The rate shown is estimated, so a number with few calls sits near them.</source>
        <translation>
            <numerusform>過去 %2 日間の %n 件の発信のうち %1 件に応答がありました。同じ保有者の同じ市外局番の番号の応答率は %3 です。表示する応答率は推定値のため、発信の少ない番号はそれに近くなります。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::BuyNumberOperation</name>
    <message>
        <source>&quot;%1&quot; is not a phone number in E.164 form, like +16076956082.</source>
        <translation>&quot;%1&quot; は +16076956082 のような E.164 形式の電話番号ではありません。</translation>
    </message>
    <message>
        <source>Buying %1…</source>
        <translation>%1 を購入しています…</translation>
    </message>
    <message>
        <source>%1 was bought at Twilio (%2) but could not be added to the pool: %3 Run `pooldeskctl twilio import` to pick it up.</source>
        <translation>%1 は Twilio で購入済み（%2）ですが、プールに追加できませんでした: %3 `pooldeskctl twilio import` を実行して取り込んでください。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::Client</name>
    <message>
        <source>No Twilio credentials are set for this environment: store the secret with `pooldeskctl env set-secret ENV` or set the TWILIO_* variables.</source>
        <translation>この環境には Twilio の認証情報が設定されていません。`pooldeskctl env set-secret ENV` でシークレットを保存するか、TWILIO_* 環境変数を設定してください。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
    <message>
        <source>Twilio did not answer within %1 seconds</source>
        <translation>Twilio が %1 秒以内に応答しませんでした</translation>
    </message>
    <message>
        <source>the connection to %1 failed: %2</source>
        <translation>%1 への接続に失敗しました: %2</translation>
    </message>
    <message>
        <source>The outcome of the request is unknown (%1); it was not repeated.</source>
        <translation>リクエストの結果が不明です（%1）。再送はしていません。</translation>
    </message>
    <message>
        <source>rate limited (429)</source>
        <translation>レート制限（429）</translation>
    </message>
    <message>
        <source>server error %1</source>
        <translation>サーバーエラー %1</translation>
    </message>
    <message>
        <source>The outcome of the request is unknown (Twilio answered HTTP %1); it was not repeated. %2</source>
        <translation>リクエストの結果が不明です（Twilio の応答 HTTP %1）。再送はしていません。%2</translation>
    </message>
    <message>
        <source>Twilio&apos;s answer was not complete JSON (%1 at byte %2)</source>
        <translation>Twilio の応答が完全な JSON ではありませんでした（%2 バイト目: %1）</translation>
    </message>
    <message>
        <source>The outcome of the request is unknown: %1.</source>
        <translation>リクエストの結果が不明です: %1。</translation>
    </message>
    <message>
        <source>Twilio&apos;s answer has no &quot;%1&quot; list.</source>
        <translation>Twilio の応答に &quot;%1&quot; のリストがありません。</translation>
    </message>
    <message>
        <source>Twilio redirected the download to an address PoolDesk does not follow (%1).</source>
        <translation>Twilio がダウンロードを PoolDesk が従わないアドレス (%1) へ転送しました。</translation>
    </message>
    <message numerus="yes">
        <source>Gave up after %n attempt(s): %1. Check the network and the API base URL of this environment.</source>
        <translation>
            <numerusform>%n 回試して断念しました: %1。ネットワークとこの環境の API ベース URL を確認してください。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio kept rate limiting after %n attempt(s). %1</source>
        <translation>
            <numerusform>%n 回試しても Twilio のレート制限が続きました。%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Gave up after %n attempt(s): %1.</source>
        <translation>
            <numerusform>%n 回試して断念しました: %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>Twilio redirected the request to another host (%1); PoolDesk does not follow it with the account&apos;s credentials.</source>
        <translation>Twilio がリクエストを別のホスト (%1) にリダイレクトしました。PoolDesk はアカウントの認証情報を付けてそこへは進みません。</translation>
    </message>
    <message>
        <source>Twilio&apos;s answer points to its next page on another host (%1); PoolDesk does not follow it.</source>
        <translation>Twilio の応答が次のページとして別のホスト (%1) を指しています。PoolDesk はそこへは進みません。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::DeleteRecordingOperation</name>
    <message>
        <source>Deleting recording %1 at Twilio…</source>
        <translation>Twilio で録音 %1 を削除しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::FetchRecordingOperation</name>
    <message>
        <source>Fetching recording %1…</source>
        <translation>録音 %1 を取得しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::ImportNumbersOperation</name>
    <message>
        <source>Fetching the numbers of the %1 account…</source>
        <translation>%1 アカウントの番号を取得しています…</translation>
    </message>
    <message numerus="yes">
        <source>Fetched %n number(s)…</source>
        <translation>
            <numerusform>%n 件の番号を取得しました…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n number(s); run the import again to finish (it is safe to repeat).</source>
        <translation>
            <numerusform>%n 件の番号を取得した時点でキャンセルしました。完了するにはもう一度インポートを実行してください（繰り返し実行しても問題ありません）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Importing %1</source>
        <translation>%1 をインポートしています</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::Operation</name>
    <message>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::PricesOperation</name>
    <message>
        <source>&quot;%1&quot; is not a country code: use two letters, like US or JP.</source>
        <translation>&quot;%1&quot; は国コードではありません。US や JP のように 2 文字で指定してください。</translation>
    </message>
    <message>
        <source>Fetching %1 prices from Twilio…</source>
        <translation>Twilio から %1 の料金を取得しています…</translation>
    </message>
    <message>
        <source>Twilio reports %1 prices in %2; PoolDesk keeps amounts in USD, so they were not stored.</source>
        <translation>Twilio から報告された %1 の料金の通貨は %2 です。PoolDesk は金額を USD で管理するため、保存していません。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::ReconcileOperation</name>
    <message>
        <source>Reading Twilio&apos;s usage records for %1…</source>
        <translation>%1 の Twilio 利用記録を読み込んでいます…</translation>
    </message>
    <message>
        <source>Twilio&apos;s usage records for %1 cannot be added up (a count below zero, or a total beyond what PoolDesk can hold); nothing was compared.</source>
        <translation>Twilio の %1 の利用記録を合計できません (件数が負、または合計が PoolDesk で扱える範囲を超えています)。何も照合していません。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::RecoverReleasesOperation</name>
    <message>
        <source>Checking the interrupted release of %1…</source>
        <translation>中断された %1 の解約を確認しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::ReleaseNumberOperation</name>
    <message>
        <source>Looking up %1 at Twilio…</source>
        <translation>Twilio で %1 を検索しています…</translation>
    </message>
    <message>
        <source>Releasing %1 at Twilio…</source>
        <translation>Twilio で %1 を解放しています…</translation>
    </message>
    <message>
        <source>%1 was released at Twilio but is still in the pool: %2</source>
        <translation>%1 は Twilio で解放されましたが、プールに残っています: %2</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled while Twilio was releasing %1: whether it was released is not known yet. The number stays out of use until PoolDesk checks at Twilio (the next import, or the pool service within %n minute(s)).</source>
        <translation>
            <numerusform>Twilio が %1 を解約している途中でキャンセルされました。解約されたかどうかはまだわかりません。PoolDesk が Twilio で確認するまで（次回のインポート時、またはプールサービスが %n 分以内に）、この番号は使用されません。</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking whether Twilio released %1…</source>
        <translation>Twilio が %1 を解約したか確認しています…</translation>
    </message>
    <message numerus="yes">
        <source>%1 It is not known whether Twilio released %2: the number stays out of use until PoolDesk checks again (the next import, or the pool service within %n minute(s)).</source>
        <translation>
            <numerusform>%1 Twilio が %2 を解約したかどうかわかりません。PoolDesk が再確認するまで（次回のインポート時、またはプールサービスが %n 分以内に）、この番号は使用されません。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2 could not be marked available again: %3)</source>
        <translation>%1（%2 を利用可能に戻せませんでした: %3）</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::SearchNumbersOperation</name>
    <message>
        <source>Searching numbers in %1…</source>
        <translation>%1 で番号を検索しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::SyncCallsOperation</name>
    <message>
        <source>Resuming the interrupted call sync…</source>
        <translation>中断された通話の同期を再開しています…</translation>
    </message>
    <message>
        <source>Fetching calls since %1…</source>
        <translation>%1 以降の通話を取得しています…</translation>
    </message>
    <message>
        <source>the beginning</source>
        <translation>記録開始時点</translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) read, %1 new</source>
        <translation>
            <numerusform>%n 件の通話を読み込み、新規 %1 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Fetching recording metadata…</source>
        <translation>通話録音のメタデータを取得しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::TestConnectionOperation</name>
    <message>
        <source>Fetching account %1…</source>
        <translation>アカウント %1 を取得しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Twilio::WebhooksOperation</name>
    <message>
        <source>Environment &quot;%1&quot; has no webhook base URL. Set it with `pooldeskctl env set %1 --webhook-base-url https://...`.</source>
        <translation>環境 &quot;%1&quot; に Webhook のベース URL がありません。`pooldeskctl env set %1 --webhook-base-url https://...` で設定してください。</translation>
    </message>
    <message>
        <source>Fetching the numbers of the %1 account…</source>
        <translation>%1 アカウントの番号を取得しています…</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>%1 を更新しました</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AboutDialog</name>
    <message>
        <source>Git revision %1</source>
        <translation>git リビジョン %1</translation>
    </message>
    <message>
        <source>Phone number pool console for Twilio call centres.</source>
        <translation>Twilio コールセンター向け電話番号プール管理コンソール。</translation>
    </message>
    <message>
        <source>Numbers dedicated to a company, shared, or both; the right one for each call, and costs each company can be sent.</source>
        <translation>企業専用・共有・その両方の番号を、通話ごとに適切に選び、企業ごとに送れるコストを計算します。</translation>
    </message>
    <message>
        <source>Free software under the GNU General Public License, version 3 or later. There is NO WARRANTY, to the extent permitted by law.</source>
        <translation>GNU 一般公衆利用許諾書 バージョン 3 以降のもとで配布されるフリーソフトウェアです。法律で認められる範囲で、一切の保証はありません。</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>コンポーネント</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <source>About PoolDesk</source>
        <translation>PoolDesk について</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>概要(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Third-party software</source>
        <translation>サードパーティ ソフトウェア(&amp;T)</translation>
    </message>
    <message>
        <source>Paste this into a bug report: it holds no password or other secret.</source>
        <translation>不具合報告に貼り付けてください。パスワードなどの秘密情報は含まれていません。</translation>
    </message>
    <message>
        <source>&amp;Copy to clipboard</source>
        <translation>クリップボードにコピー(&amp;C)</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>コピーしました</translation>
    </message>
    <message>
        <source>&amp;System information</source>
        <translation>システム情報(&amp;S)</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AddCompanyDialog</name>
    <message>
        <source>Add Company</source>
        <translation>企業の追加</translation>
    </message>
    <message>
        <source>For example: Sakura Logistics</source>
        <translation>例: さくら物流</translation>
    </message>
    <message>
        <source>Calls from the shared pool: the cheapest option; the caller ID varies.</source>
        <translation>共有プールから発信します。最も安価ですが、発信者番号は通話ごとに変わります。</translation>
    </message>
    <message>
        <source>Calls from its dedicated numbers first, the shared pool when they are busy.</source>
        <translation>まず企業専用番号から発信し、すべて使用中のときは共有プールから発信します。</translation>
    </message>
    <message>
        <source>Calls only from its dedicated numbers: a fixed caller ID for its brand.</source>
        <translation>企業専用番号からのみ発信します。ブランディングのため発信者番号が固定されます。</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名前(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Plan:</source>
        <translation>プラン(&amp;P):</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AddNumberDialog</name>
    <message>
        <source>Add Number to the Pool</source>
        <translation>プールに番号を追加</translation>
    </message>
    <message>
        <source>+1 607 695 6082</source>
        <translation>+1 607 695 6082</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>開発環境</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>本番環境</translation>
    </message>
    <message>
        <source>PN… (optional)</source>
        <translation>PN…（省略可）</translation>
    </message>
    <message>
        <source>Tariff: %1</source>
        <translation>料金表: %1</translation>
    </message>
    <message>
        <source>&amp;Number:</source>
        <translation>番号(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>環境(&amp;E):</translation>
    </message>
    <message>
        <source>&amp;Use:</source>
        <translation>用途(&amp;U):</translation>
    </message>
    <message>
        <source>Twilio &amp;SID:</source>
        <translation>Twilio SID(&amp;S):</translation>
    </message>
    <message>
        <source>Monthly &amp;price (USD):</source>
        <translation>月額料金（USD）(&amp;P):</translation>
    </message>
    <message>
        <source>Add Number</source>
        <translation>番号を追加</translation>
    </message>
    <message>
        <source>Include + and the country code.</source>
        <translation>+ と国番号を含めて入力してください。</translation>
    </message>
    <message>
        <source>Will be saved as %1</source>
        <translation>%1 として保存されます</translation>
    </message>
    <message>
        <source>Not a valid number yet: type + then the country code and number.</source>
        <translation>まだ有効な番号ではありません。+ に続けて国番号と番号を入力してください。</translation>
    </message>
    <message>
        <source>“%1” is not a phone number in international format. Type + then the country code and number, for example +1 607 695 6082.</source>
        <translation>「%1」は国際形式の電話番号ではありません。+1 607 695 6082 のように、+ に続けて国番号と番号を入力してください。</translation>
    </message>
    <message>
        <source>The monthly price must be an amount in US dollars, for example 1.15.</source>
        <translation>月額料金は 1.15 のように米ドルの金額で入力してください。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AssignNumberDialog</name>
    <message>
        <source>Dedicate Number to a Company</source>
        <translation>番号を企業専用にする</translation>
    </message>
    <message>
        <source>Calls of the chosen company will use %1 first; other companies will no longer get it from the shared pool.</source>
        <translation>選択した企業の通話では %1 が優先して使用されます。他の企業には共有プールからこの番号が割り当てられなくなります。</translation>
    </message>
    <message>
        <source>&amp;Company:</source>
        <translation>企業(&amp;C):</translation>
    </message>
    <message>
        <source>Dedicate</source>
        <translation>専用にする</translation>
    </message>
    <message>
        <source>Add a company first.</source>
        <translation>先に企業を追加してください。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AuditLogSection</name>
    <message>
        <source>Audit Log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <source>&amp;Create Signing Key</source>
        <translation>署名鍵を作成(&amp;C)</translation>
    </message>
    <message>
        <source>Copy &amp;Public Key</source>
        <translation>公開鍵をコピー(&amp;P)</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> 件</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>The pool service, started with --audit-witness, signs a checkpoint after this many new entries or this many minutes, whichever comes first.</source>
        <translation>--audit-witness 付きで起動したプールサービスは、新しいエントリがこの件数に達するか、この分数が経つか、早いほうでチェックポイントに署名します。</translation>
    </message>
    <message>
        <source>Checkpoint signing key:</source>
        <translation>チェックポイント署名鍵:</translation>
    </message>
    <message>
        <source>Sign a checkpoint every:</source>
        <translation>チェックポイントに署名する間隔:</translation>
    </message>
    <message>
        <source>or at least every:</source>
        <translation>または少なくとも:</translation>
    </message>
    <message>
        <source>Asking the system keychain…</source>
        <translation>システムのキーチェーンに問い合わせています…</translation>
    </message>
    <message>
        <source>Ed25519, fingerprint %1
Public key %2
The private key is in this computer&apos;s keychain, never in the database.</source>
        <translation>Ed25519、フィンガープリント %1
公開鍵 %2
秘密鍵はこのコンピューターのキーチェーンにあり、データベースには保存されません。</translation>
    </message>
    <message>
        <source>None on this computer. Checkpoints are signed where the key is: make one here, or with “pooldeskctl audit key --create”.</source>
        <translation>このコンピューターにはありません。チェックポイントは鍵のある場所で署名されます。ここで作成するか、「pooldeskctl audit key --create」で作成してください。</translation>
    </message>
    <message>
        <source>The keychain could not be read: %1</source>
        <translation>キーチェーンを読み取れませんでした: %1</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::AuditView</name>
    <message>
        <source>Who (user, service key or policy) (Ctrl+F)</source>
        <translation>実行者（ユーザー、サービスキー、ポリシー）（Ctrl+F）</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>すべての操作</translation>
    </message>
    <message>
        <source>Companies</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Tariffs</source>
        <translation>料金表</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>Twilio purchases and releases</source>
        <translation>Twilio での購入と解放</translation>
    </message>
    <message>
        <source>Expired leases</source>
        <translation>期限切れのリース</translation>
    </message>
    <message>
        <source>Service keys</source>
        <translation>サービスキー</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>過去 30 日間</translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation>過去 365 日間</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全期間</translation>
    </message>
    <message>
        <source>Select an entry to see the values before and after the change.</source>
        <translation>項目を選択すると、変更前と変更後の値が表示されます。</translation>
    </message>
    <message>
        <source>%1+ entries</source>
        <translation>%1 件以上</translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies)</source>
        <translation>
            <numerusform>%n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>(nothing)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>%1 — %2 — %3 %4

Before:
%5

After:
%6</source>
        <translation>%1 — %2 — %3 %4

変更前:
%5

変更後:
%6</translation>
    </message>
    <message>
        <source>Audit Log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <source>Call recordings</source>
        <translation>通話録音</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Exports</source>
        <translation>エクスポート</translation>
    </message>
    <message>
        <source>Reports run</source>
        <translation>レポートの実行</translation>
    </message>
    <message>
        <source>Audit log keys</source>
        <translation>監査ログの鍵</translation>
    </message>
    <message>
        <source>&amp;Verify the Log</source>
        <translation>ログを検証(&amp;V)</translation>
    </message>
    <message>
        <source>Check every entry&apos;s link and every signed checkpoint (Ctrl+Shift+V).</source>
        <translation>すべてのエントリのつながりと署名付きチェックポイントを確認します (Ctrl+Shift+V)。</translation>
    </message>
    <message>
        <source>Verifying the audit log…</source>
        <translation>監査ログを検証しています…</translation>
    </message>
    <message>
        <source>The audit log could not be verified: %1</source>
        <translation>監査ログを検証できませんでした: %1</translation>
    </message>
    <message>
        <source>Not verified in this session. Verify the Log checks that no entry was changed, removed or added since it was written.</source>
        <translation>このセッションではまだ検証していません。「ログを検証」は、書き込まれた後にエントリが変更・削除・追加されていないことを確認します。</translation>
    </message>
    <message>
        <source>Verifying the whole log needs a role that reads every company&apos;s entries.</source>
        <translation>ログ全体の検証には、すべての会社のエントリを読めるロールが必要です。</translation>
    </message>
    <message>
        <source>✔ %1 Checked %2.</source>
        <translation>✔ %1 確認日時 %2。</translation>
    </message>
    <message numerus="yes">
        <source>…and %n more finding(s).</source>
        <translation>
            <numerusform>…ほか %n 件の検出。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>✖ The audit log was tampered with (%n finding(s), checked %1):</source>
        <translation>
            <numerusform>✖ 監査ログが改ざんされています (検出 %n 件、確認日時 %1):</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::BuyNumberDialog</name>
    <message>
        <source>&amp;Toll-free</source>
        <translation>フリーダイヤル(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>検索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Buy Selected…</source>
        <translation>選択した番号を購入(&amp;B)…</translation>
    </message>
    <message>
        <source>Buy a number (%1)</source>
        <translation>番号の購入（%1）</translation>
    </message>
    <message>
        <source>e.g. 607</source>
        <translation>例: 607</translation>
    </message>
    <message>
        <source>&amp;Country:</source>
        <translation>国(&amp;C):</translation>
    </message>
    <message>
        <source>&amp;Area code:</source>
        <translation>市外局番(&amp;A):</translation>
    </message>
    <message>
        <source>C&amp;ontains:</source>
        <translation>含む数字(&amp;O):</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>検索しています…</translation>
    </message>
    <message>
        <source>%1   %2, %3   %4/month</source>
        <translation>%1   %2、%3   %4/月</translation>
    </message>
    <message>
        <source>No numbers match; try another area code or clear &quot;contains&quot;.</source>
        <translation>条件に合う番号がありません。別の市外局番を試すか、「含む数字」を空にしてください。</translation>
    </message>
    <message>
        <source>Buy %1?</source>
        <translation>%1 を購入しますか？</translation>
    </message>
    <message>
        <source>Buy %1 for the %2 environment? It costs %3 a month, charged on this day each month.</source>
        <translation>%1 を %2 環境用に購入しますか？月額 %3 が、毎月今日と同じ日に請求されます。</translation>
    </message>
    <message>
        <source>Buy Number</source>
        <translation>番号の購入</translation>
    </message>
    <message>
        <source>Buy %1</source>
        <translation>%1 を購入</translation>
    </message>
    <message>
        <source>Bought %1 (%2); it is in the %3 pool.</source>
        <translation>%1（%2）を購入しました。%3 プールに追加されています。</translation>
    </message>
    <message>
        <source>That number was taken by someone else meanwhile; the next one is selected.</source>
        <translation>この番号はその間に他のユーザーに取得されました。次の番号を選択しています。</translation>
    </message>
    <message>
        <source>That number was taken meanwhile; search again.</source>
        <translation>この番号はその間に取得されました。もう一度検索してください。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CallerIdSection</name>
    <message>
        <source>Caller ID</source>
        <translation>発信者番号</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>無効</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <source>A person called again gets the number they saw last time, within these days</source>
        <translation>この日数の間、再度発信する相手には前回と同じ番号を使います</translation>
    </message>
    <message>
        <source>Prefer numbers in the callee&apos;s area code, then their state or region</source>
        <translation>相手の市外局番、次に州・地域の番号を優先する</translation>
    </message>
    <message>
        <source>Call only between</source>
        <translation>発信する時間帯</translation>
    </message>
    <message>
        <source>In the callee&apos;s local time; where their state spans two zones, in both</source>
        <translation>相手の現地時刻で判定します。州が 2 つのタイムゾーンにまたがる場合は両方で判定します</translation>
    </message>
    <message>
        <source>No cap</source>
        <translation>上限なし</translation>
    </message>
    <message>
        <source>None</source>
        <translation>なし</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>&amp;Same number for a callee:</source>
        <translation>同じ相手に同じ番号(&amp;S):</translation>
    </message>
    <message>
        <source>Calls per number per &amp;day:</source>
        <translation>番号ごとの 1 日の発信数(&amp;D):</translation>
    </message>
    <message>
        <source>Calls per number per &amp;hour:</source>
        <translation>番号ごとの 1 時間の発信数(&amp;H):</translation>
    </message>
    <message>
        <source>Least &amp;gap between two calls:</source>
        <translation>発信の最小間隔(&amp;G):</translation>
    </message>
    <message>
        <source>&amp;Warm-up of a new number:</source>
        <translation>新しい番号の慣らし期間(&amp;W):</translation>
    </message>
    <message>
        <source>&amp;Rest a poorly answered number for:</source>
        <translation>応答率の低い番号の休止期間(&amp;R):</translation>
    </message>
    <message>
        <source>Keep a shared number with its last &amp;company for:</source>
        <translation>共有番号を最後に使った会社に留める期間(&amp;C):</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CallsView</name>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Number (+1 607 695 6082)</source>
        <translation>番号（+1 607 695 6082）</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>担当者</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>発信と着信</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>今月</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>先月</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>過去 90 日間</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全期間</translation>
    </message>
    <message>
        <source>Custom dates</source>
        <translation>期間を指定</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>期間(&amp;P):</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込んでいます…</translation>
    </message>
    <message>
        <source>“%1” is not a complete number: type + then the country code and number.</source>
        <translation>「%1」は完全な番号ではありません。+ に続けて国番号と番号を入力してください。</translation>
    </message>
    <message>
        <source>The period ends before it starts: pick a “to” date on or after the “from” date.</source>
        <translation>期間の終了日が開始日より前です。終了日には開始日以降の日付を選んでください。</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>件数を数えています…</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通話</translation>
    </message>
    <message numerus="yes">
        <source>%Ln call(s)</source>
        <translation>
            <numerusform>%Ln 件の通話</numerusform>
        </translation>
    </message>
    <message>
        <source>(%1)</source>
        <translation>（%1）</translation>
    </message>
    <message>
        <source>From (inclusive, days in %1, the workspace&apos;s billing time zone)</source>
        <translation>開始日（この日を含む。日付はワークスペースの請求タイムゾーン %1）</translation>
    </message>
    <message>
        <source>To (inclusive, days in %1, the workspace&apos;s billing time zone)</source>
        <translation>終了日（この日を含む。日付はワークスペースの請求タイムゾーン %1）</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CompaniesView</name>
    <message>
        <source>Filter companies by name (Ctrl+F)</source>
        <translation>企業名で絞り込み（Ctrl+F）</translation>
    </message>
    <message>
        <source>&amp;Add Company…</source>
        <translation>企業を追加(&amp;A)…</translation>
    </message>
    <message>
        <source>Add a company (Ctrl+N)</source>
        <translation>企業を追加します（Ctrl+N）</translation>
    </message>
    <message>
        <source>&amp;Plan:</source>
        <translation>プラン(&amp;P):</translation>
    </message>
    <message>
        <source>Call &amp;History</source>
        <translation>通話履歴(&amp;H)</translation>
    </message>
    <message>
        <source>Open this company&apos;s calls in the Calls view</source>
        <translation>この企業の通話を通話ビューで開きます</translation>
    </message>
    <message>
        <source>&amp;Save Changes</source>
        <translation>変更を保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the plan and limits (checked first; nothing changes if a value is refused)</source>
        <translation>プランと制限を保存します（事前に検証し、受け付けられない値があれば何も変更しません）</translation>
    </message>
    <message>
        <source>Dedicated numbers:</source>
        <translation>専用番号:</translation>
    </message>
    <message numerus="yes">
        <source>%n company(ies)</source>
        <translation>
            <numerusform>%n 社</numerusform>
        </translation>
    </message>
    <message>
        <source>No company selected</source>
        <translation>企業が選択されていません</translation>
    </message>
    <message>
        <source>Select a company to edit its plan and limits.</source>
        <translation>企業を選択すると、プランと制限を編集できます。</translation>
    </message>
    <message>
        <source>None — an enterprise company cannot call without a dedicated number</source>
        <translation>なし — エンタープライズ企業は専用番号がないと発信できません</translation>
    </message>
    <message>
        <source>None — calls use the shared pool</source>
        <translation>なし — 通話には共有プールを使用します</translation>
    </message>
    <message>
        <source>%1 saved.</source>
        <translation>%1 を保存しました。</translation>
    </message>
    <message>
        <source>Nothing to save: %1 is unchanged.</source>
        <translation>保存する変更はありません。%1 は変更されていません。</translation>
    </message>
    <message>
        <source>%1 added (%2).</source>
        <translation>%1 を追加しました（%2）。</translation>
    </message>
    <message>
        <source>Companies</source>
        <translation>企業</translation>
    </message>
    <message numerus="yes">
        <source>This month: %Ln call(s), %1 billed minutes, %2 in call charges. In use now: %3.</source>
        <translation>
            <numerusform>今月: 通話 %Ln 件、課金 %1 分、通話料 %2。現在使用中: %3。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::CostsView</name>
    <message>
        <source>%1 (so far)</source>
        <translation>%1（途中集計）</translation>
    </message>
    <message>
        <source>Per company</source>
        <translation>企業別</translation>
    </message>
    <message>
        <source>Per number</source>
        <translation>番号別</translation>
    </message>
    <message>
        <source>Company &amp;Report (PDF)…</source>
        <translation>企業別レポート（PDF）(&amp;R)…</translation>
    </message>
    <message>
        <source>A printable monthly cost report, with charts, for the selected company (Ctrl+P)</source>
        <translation>選択した企業の、グラフ付きで印刷できる月次コストレポートを作成します（Ctrl+P）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Savings advice&lt;/b&gt;</source>
        <translation>&lt;b&gt;コスト削減の提案&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Cost by company</source>
        <translation>企業別コスト</translation>
    </message>
    <message>
        <source>Cost by category</source>
        <translation>項目別コスト</translation>
    </message>
    <message>
        <source>Month over month</source>
        <translation>月別推移</translation>
    </message>
    <message>
        <source>By company</source>
        <translation>企業別</translation>
    </message>
    <message>
        <source>By category</source>
        <translation>項目別</translation>
    </message>
    <message>
        <source>Calculating…</source>
        <translation>計算しています…</translation>
    </message>
    <message>
        <source>All figures are estimates from the tariff: Twilio has not priced these calls yet (sync the call history to compare).</source>
        <translation>すべての金額は料金表による見積額です。これらの通話の料金は Twilio でまだ確定していません（比較するには通話履歴を同期してください）。</translation>
    </message>
    <message>
        <source>No savings to suggest for this month: every number is pulling its weight.</source>
        <translation>今月はコスト削減の提案はありません。すべての番号が十分に使われています。</translation>
    </message>
    <message>
        <source>Dedicated rental</source>
        <translation>専用番号の月額料金</translation>
    </message>
    <message>
        <source>Shared-pool share</source>
        <translation>共有プールの負担額</translation>
    </message>
    <message>
        <source>Outbound</source>
        <translation>発信</translation>
    </message>
    <message>
        <source>Inbound</source>
        <translation>着信</translation>
    </message>
    <message>
        <source>Cost by company (USD)</source>
        <translation>企業別コスト（USD）</translation>
    </message>
    <message>
        <source>Shared rental</source>
        <translation>共有番号の月額料金</translation>
    </message>
    <message>
        <source>Cost by category — %1</source>
        <translation>項目別コスト — %1</translation>
    </message>
    <message>
        <source>Number rental</source>
        <translation>番号の月額料金</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通話数</translation>
    </message>
    <message>
        <source>Month over month (USD)</source>
        <translation>月別推移（USD）</translation>
    </message>
    <message>
        <source>Select a company in the table first.</source>
        <translation>先に表で企業を選択してください。</translation>
    </message>
    <message>
        <source>Save Company Report</source>
        <translation>企業別レポートの保存</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF ドキュメント (*.pdf)</translation>
    </message>
    <message>
        <source>Report for %1 saved to &lt;a href=&quot;%2&quot;&gt;%3&lt;/a&gt;.</source>
        <translation>%1 のレポートを &lt;a href=&quot;%2&quot;&gt;%3&lt;/a&gt; に保存しました。</translation>
    </message>
    <message>
        <source>That company has no figures for %1.</source>
        <translation>この企業には %1 のデータがありません。</translation>
    </message>
    <message>
        <source>Costs</source>
        <translation>コスト</translation>
    </message>
    <message>
        <source>%1 per month</source>
        <translation>1 か月あたり %1</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;Total %1&lt;/b&gt; for %Ln call(s) — dedicated rental %2, shared rental %3, outbound %4, inbound %5.</source>
        <translation>
            <numerusform>&lt;b&gt;合計 %1&lt;/b&gt; (通話 %Ln 件) — 専用番号の利用料 %2、共有番号の利用料 %3、発信 %4、着信 %5。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio billed %1 for the %Ln call(s) it has priced; PoolDesk estimated %2 for them.</source>
        <translation>
            <numerusform>Twilio が料金を確定した %Ln 件の通話の請求額は %1、PoolDesk の見積もりは %2 です。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Month (%1):</source>
        <translation>月(&amp;M)（%1）:</translation>
    </message>
    <message>
        <source>Months begin at midnight in the workspace&apos;s billing time zone, %1 (Settings ▸ Pool).</source>
        <translation>月はワークスペースの請求タイムゾーン %1 の午前 0 時に始まります（設定 ▸ プール）。</translation>
    </message>
    <message>
        <source>&amp;Close Month…</source>
        <translation>月を締める(&amp;C)…</translation>
    </message>
    <message>
        <source>Freeze this month&apos;s report for invoicing: later changes appear as adjustments in the next open month.</source>
        <translation>請求のためにこの月のレポートを確定します。以後の変更は次の未締めの月に調整として表示されます。</translation>
    </message>
    <message>
        <source>Re-&amp;open Month…</source>
        <translation>月を再オープン(&amp;O)…</translation>
    </message>
    <message>
        <source>Work this closed month out again from the history (administrators).</source>
        <translation>この締め済みの月を履歴から計算し直します（管理者）。</translation>
    </message>
    <message>
        <source>Reconcile</source>
        <translation>照合</translation>
    </message>
    <message>
        <source>The total includes %1 of late corrections to closed months (see the Adjustments column).</source>
        <translation>合計には締め済みの月への後からの訂正 %1 が含まれます（「調整」列を参照）。</translation>
    </message>
    <message>
        <source>This month is closed: its figures are kept as they were, and savings advice is given for open months.</source>
        <translation>この月は締め済みです。金額は締めた時点のまま保持され、節約の提案は未締めの月に表示されます。</translation>
    </message>
    <message>
        <source>Closed on %1 by %2</source>
        <translation>%1 に %2 が締め済み</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>検証済み</translation>
    </message>
    <message>
        <source>the stored report no longer matches its hash</source>
        <translation>保存されたレポートがハッシュと一致しません</translation>
    </message>
    <message>
        <source>SHA-256 of the stored report: %1 (also in the audit log).</source>
        <translation>保存されたレポートの SHA-256: %1（監査ログにも記録）。</translation>
    </message>
    <message>
        <source>Open: figures may still change</source>
        <translation>未締め: 金額はまだ変わる可能性があります</translation>
    </message>
    <message>
        <source>Open: the month is not over</source>
        <translation>未締め: 月がまだ終わっていません</translation>
    </message>
    <message>
        <source>A closed month&apos;s report is stored and never changes.</source>
        <translation>締めた月のレポートは保存され、変わることはありません。</translation>
    </message>
    <message>
        <source>Close Month</source>
        <translation>月を締める</translation>
    </message>
    <message>
        <source>Close %1? Its report (total %2) is stored as it stands and will not change; later corrections appear as adjustments in the next open month.</source>
        <translation>%1 を締めますか？レポート（合計 %2）は現在の内容で保存され、変わりません。以後の訂正は次の未締めの月に調整として表示されます。</translation>
    </message>
    <message>
        <source>Close %1</source>
        <translation>%1 を締める</translation>
    </message>
    <message>
        <source>%1 is closed. SHA-256 %2 is in the audit log.</source>
        <translation>%1 を締めました。SHA-256 %2 を監査ログに記録しました。</translation>
    </message>
    <message>
        <source>Re-open Month</source>
        <translation>月を再オープン</translation>
    </message>
    <message>
        <source>Re-open %1? Its report will be worked out again from the history and may no longer match what was invoiced.</source>
        <translation>%1 を再オープンしますか？レポートは履歴から計算し直され、請求済みの内容と一致しなくなる可能性があります。</translation>
    </message>
    <message>
        <source>Re-open %1</source>
        <translation>%1 を再オープン</translation>
    </message>
    <message>
        <source>%1 is open again.</source>
        <translation>%1 を再オープンしました。</translation>
    </message>
    <message>
        <source>Closing %1…</source>
        <translation>%1 を締めています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::DemoWorkspaceOffer</name>
    <message>
        <source>Welcome to PoolDesk</source>
        <translation>PoolDesk へようこそ</translation>
    </message>
    <message>
        <source>This database has no companies yet.

Create a demo workspace to explore PoolDesk? It adds sample companies of each plan, dedicated and shared numbers in both environments, and 90 days of calls. You can start over with an empty database at any time.</source>
        <translation>このデータベースにはまだ企業がありません。

デモワークスペースを作成して PoolDesk を試してみますか？各プランのサンプル企業、両方の環境の専用番号と共有番号、90 日分の通話が追加されます。いつでも空のデータベースからやり直せます。</translation>
    </message>
    <message>
        <source>Create demo workspace</source>
        <translation>デモワークスペースを作成</translation>
    </message>
    <message>
        <source>The database is empty. Add a company and numbers to start, or create the demo workspace to look around.</source>
        <translation>データベースは空です。企業と番号を追加して始めるか、デモワークスペースを作成して操作を試してください。</translation>
    </message>
    <message>
        <source>Creating the demo workspace was cancelled; nothing was added.</source>
        <translation>デモワークスペースの作成を取り消しました。何も追加されていません。</translation>
    </message>
    <message>
        <source>Could not create the demo workspace: %1</source>
        <translation>デモワークスペースを作成できませんでした: %1</translation>
    </message>
    <message>
        <source>Creating the demo workspace…</source>
        <translation>デモワークスペースを作成しています…</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::EnvironmentSettingsPage</name>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Store in &amp;Keychain</source>
        <translation>キーチェーンに保存(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>接続テスト(&amp;T)</translation>
    </message>
    <message>
        <source>SK… (recommended; empty: use the auth token)</source>
        <translation>SK…（推奨。空欄の場合は認証トークンを使用）</translation>
    </message>
    <message>
        <source>https://example.ngrok-free.app</source>
        <translation>https://example.ngrok-free.app</translation>
    </message>
    <message>
        <source>Paste the secret here to store it; it is never shown again</source>
        <translation>保存するシークレットをここに貼り付けてください。保存後は二度と表示されません</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>環境(&amp;E):</translation>
    </message>
    <message>
        <source>Account &amp;SID:</source>
        <translation>アカウント SID(&amp;S):</translation>
    </message>
    <message>
        <source>API &amp;key SID:</source>
        <translation>API キー SID(&amp;K):</translation>
    </message>
    <message>
        <source>API &amp;base URL:</source>
        <translation>API ベース URL(&amp;B):</translation>
    </message>
    <message>
        <source>&amp;Webhook base URL:</source>
        <translation>Webhook ベース URL(&amp;W):</translation>
    </message>
    <message>
        <source>&amp;Voice path:</source>
        <translation>音声のパス(&amp;V):</translation>
    </message>
    <message>
        <source>Status &amp;callback path:</source>
        <translation>ステータスコールバックのパス(&amp;C):</translation>
    </message>
    <message>
        <source>Secre&amp;t:</source>
        <translation>シークレット(&amp;T):</translation>
    </message>
    <message>
        <source>Twilio will be told nothing until a webhook base URL is set.</source>
        <translation>Webhook のベース URL を設定するまで、Twilio には何も設定されません。</translation>
    </message>
    <message>
        <source>Voice: %1
Status: %2</source>
        <translation>音声: %1
ステータス: %2</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 を保存しました。</translation>
    </message>
    <message>
        <source>Save the Account SID first: the secret is stored for that account.</source>
        <translation>先にアカウント SID を保存してください。シークレットはそのアカウント用に保存されます。</translation>
    </message>
    <message>
        <source>Paste the %1 into the secret field first.</source>
        <translation>先に%1をシークレット欄に貼り付けてください。</translation>
    </message>
    <message>
        <source>Waiting for the system keychain…</source>
        <translation>システムのキーチェーンを待っています…</translation>
    </message>
    <message>
        <source>The %1 of %2 is stored in the system keychain.</source>
        <translation>%2 の%1をシステムのキーチェーンに保存しました。</translation>
    </message>
    <message>
        <source>Connecting to Twilio…</source>
        <translation>Twilio に接続しています…</translation>
    </message>
    <message>
        <source>Connection OK: %1 &quot;%2&quot; (%3, %4).</source>
        <translation>接続に成功しました: %1 &quot;%2&quot;（%3、%4）。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::LimitsForm</name>
    <message>
        <source>No limit</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <source>How many calls the company may have at the same time. Empty: no limit.</source>
        <translation>この企業が同時に行える通話の数です。空欄: 制限なし。</translation>
    </message>
    <message>
        <source>Billed minutes per calendar month (UTC). Empty: no limit.</source>
        <translation>暦月（UTC）あたりの課金対象分数です。空欄: 制限なし。</translation>
    </message>
    <message>
        <source>Call charges per calendar month, in US dollars (for example 250.00). Empty: no limit.</source>
        <translation>暦月あたりの通話料金です（米ドル、例: 250.00）。空欄: 制限なし。</translation>
    </message>
    <message>
        <source>Max concurrent &amp;calls:</source>
        <translation>最大同時通話数(&amp;C):</translation>
    </message>
    <message>
        <source>Monthly &amp;minutes:</source>
        <translation>月間通話分数(&amp;M):</translation>
    </message>
    <message>
        <source>Monthly &amp;budget (USD):</source>
        <translation>月間予算（USD）(&amp;B):</translation>
    </message>
    <message>
        <source>Max concurrent calls must be a whole number (for example 5), or empty for no limit.</source>
        <translation>最大同時通話数は整数（例: 5）で入力してください。制限しない場合は空欄にします。</translation>
    </message>
    <message>
        <source>Monthly minutes must be a whole number (for example 10000), or empty for no limit.</source>
        <translation>月間通話分数は整数（例: 10000）で入力してください。制限しない場合は空欄にします。</translation>
    </message>
    <message>
        <source>Monthly budget must be an amount in US dollars (for example 250 or 250.00), or empty for no limit.</source>
        <translation>月間予算は米ドルの金額（例: 250 または 250.00）で入力してください。制限しない場合は空欄にします。</translation>
    </message>
    <message>
        <source>Same as the rate</source>
        <translation>レートと同じ</translation>
    </message>
    <message>
        <source>How many numbers the company may be given per second, by every backend and tool together; more are refused with &quot;rate limited&quot;. Empty: no limit.</source>
        <translation>この企業に 1 秒あたり割り当てられる番号の数（すべてのバックエンドとツールの合計）。超えた分は「レート制限」で拒否されます。空欄: 制限なし。</translation>
    </message>
    <message>
        <source>How many allocations may come at once before the rate applies. Empty: the rate.</source>
        <translation>レートが適用される前に一度に受け付ける割り当ての数。空欄: レートと同じ。</translation>
    </message>
    <message>
        <source>&amp;Allocations per second:</source>
        <translation>毎秒の割り当て数(&amp;A):</translation>
    </message>
    <message>
        <source>Allocation b&amp;urst:</source>
        <translation>割り当てバースト(&amp;U):</translation>
    </message>
    <message>
        <source>Allocations per second must be a whole number (for example 20), or empty for no limit.</source>
        <translation>毎秒の割り当て数は整数（例: 20）で入力してください。制限なしの場合は空欄にします。</translation>
    </message>
    <message>
        <source>The allocation burst must be a whole number (for example 40), or empty to equal the rate.</source>
        <translation>割り当てバーストは整数（例: 40）で入力してください。空欄の場合はレートと同じになります。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::MainWindow</name>
    <message>
        <source>PoolDesk</source>
        <translation>PoolDesk</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>ビュー</translation>
    </message>
    <message>
        <source>%1 — PoolDesk</source>
        <translation>%1 — PoolDesk</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>更新: %1</translation>
    </message>
    <message>
        <source>%1 (Ctrl+%2)</source>
        <translation>%1（Ctrl+%2）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Export as CSV…</source>
        <translation>CSV にエクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the table on screen, with its filters, as CSV (Ctrl+E)</source>
        <translation>画面の表をフィルターを適用したまま CSV にエクスポートします（Ctrl+E）</translation>
    </message>
    <message>
        <source>This view has no table to export.</source>
        <translation>このビューにはエクスポートできる表がありません。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>最新の情報に更新(&amp;R)</translation>
    </message>
    <message>
        <source>Reload the current view from the database (F5)</source>
        <translation>現在のビューをデータベースから再読み込みします（F5）</translation>
    </message>
    <message>
        <source>&amp;Filter…</source>
        <translation>絞り込み(&amp;F)…</translation>
    </message>
    <message>
        <source>Filter the current view (Ctrl+F)</source>
        <translation>現在のビューを絞り込みます（Ctrl+F）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About PoolDesk</source>
        <translation>PoolDesk について(&amp;A)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>メイン</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>環境:</translation>
    </message>
    <message>
        <source>The Twilio environment this console works on: new numbers are added to it and the pool status shows it</source>
        <translation>このコンソールで操作する Twilio 環境です。新しい番号はこの環境に追加され、プールの状況もこの環境について表示されます</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>開発環境</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>本番環境</translation>
    </message>
    <message>
        <source>LIVE — real calls and charges</source>
        <translation>本番 — 実際の通話と料金が発生します</translation>
    </message>
    <message>
        <source>Test environment</source>
        <translation>テスト環境</translation>
    </message>
    <message>
        <source>PostgreSQL: %1</source>
        <translation>PostgreSQL: %1</translation>
    </message>
    <message>
        <source>SQLite: %1</source>
        <translation>SQLite: %1</translation>
    </message>
    <message>
        <source>The pool database every console, pooldeskctl and the service share</source>
        <translation>すべてのコンソール、pooldeskctl、サービスが共有するプールのデータベースです</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>処理中…</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>自動更新</translation>
    </message>
    <message>
        <source>Views refresh by themselves when another console, pooldeskctl or the service changes the pool</source>
        <translation>他のコンソール、pooldeskctl、サービスがプールを変更すると、ビューは自動的に更新されます</translation>
    </message>
    <message>
        <source>&amp;Twilio</source>
        <translation>Twilio(&amp;T)</translation>
    </message>
    <message>
        <source>Connected to the database again. The views show the pool as it is now.</source>
        <translation>データベースに再接続しました。各ビューは現在のプールを表示しています。</translation>
    </message>
    <message>
        <source>The connection to the database was lost. PoolDesk reconnects by itself; until then the views may be out of date and changes cannot be saved.</source>
        <translation>データベースへの接続が切れました。PoolDesk は自動的に再接続します。それまでは表示が古い可能性があり、変更は保存できません。</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>再接続中…</translation>
    </message>
    <message>
        <source>Not a PoolDesk user</source>
        <translation>PoolDesk のユーザーではありません</translation>
    </message>
    <message>
        <source>%1 · %2 of %3</source>
        <translation>%1 · %3 の%2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>A SQLite file: whoever can open it has full access. Teams that need roles keep the pool in PostgreSQL.</source>
        <translation>SQLite ファイルです。開ける人は誰でもすべてにアクセスできます。ロールが必要なチームは、プールを PostgreSQL に置いてください。</translation>
    </message>
    <message>
        <source>Your database login and your PoolDesk role</source>
        <translation>データベースのログインと PoolDesk のロール</translation>
    </message>
    <message>
        <source>The database takes changes again.</source>
        <translation>データベースは再び変更を受け付けています。</translation>
    </message>
    <message>
        <source>Read-only: disk full</source>
        <translation>読み取り専用: ディスクがいっぱいです</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>読み取り専用</translation>
    </message>
    <message>
        <source>Read-only: changes cannot be saved. %1</source>
        <translation>読み取り専用: 変更を保存できません。%1</translation>
    </message>
    <message>
        <source>Try Again</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>The database still takes no changes.</source>
        <translation>データベースはまだ変更を受け付けていません。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::MessageWidget</name>
    <message>
        <source>Close this message</source>
        <translation>このメッセージを閉じる</translation>
    </message>
    <message>
        <source>Close message</source>
        <translation>メッセージを閉じる</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::OperationDialog</name>
    <message>
        <source>&amp;Cancel</source>
        <translation>キャンセル(&amp;C)</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセルしています…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>閉じる(&amp;C)</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完了しました。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>中止しました。</translation>
    </message>
    <message>
        <source>The operation failed.</source>
        <translation>操作に失敗しました。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::PoolCapacityBar</name>
    <message numerus="yes">
        <source>%1 available, %2 reserved, %3 in use of %n number(s)</source>
        <translation>
            <numerusform>%n 件の番号のうち 空き %1、予約 %2、使用中 %3</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::PoolStatusStrip</name>
    <message>
        <source>Available</source>
        <translation>利用可能</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>予約済み</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>of &lt;b&gt;%1&lt;/b&gt; (%2 shared, %3 dedicated)</source>
        <translation>／全 &lt;b&gt;%1&lt;/b&gt;（共有 %2、専用 %3）</translation>
    </message>
    <message>
        <source>Only %1 shared numbers available — below the threshold of %2</source>
        <translation>利用可能な共有番号が %1 個しかありません — しきい値 %2 を下回っています</translation>
    </message>
    <message>
        <source>%1 shared available · threshold %2</source>
        <translation>利用可能な共有番号 %1 · しきい値 %2</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::PoolView</name>
    <message>
        <source>Filter by number, company, operator or session (Ctrl+F)</source>
        <translation>番号、企業、担当者、セッションで絞り込み（Ctrl+F）</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>All environments</source>
        <translation>すべての環境</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>開発環境</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>本番環境</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>すべての状態</translation>
    </message>
    <message>
        <source>Numbers dedicated to a company</source>
        <translation>企業専用番号</translation>
    </message>
    <message>
        <source>&amp;Add Number…</source>
        <translation>番号を追加(&amp;A)…</translation>
    </message>
    <message>
        <source>Add a number you own at Twilio to the pool (Ctrl+N)</source>
        <translation>Twilio で所有している番号をプールに追加します（Ctrl+N）</translation>
    </message>
    <message>
        <source>&amp;Dedicate to Company…</source>
        <translation>企業専用にする(&amp;D)…</translation>
    </message>
    <message>
        <source>Reserve the selected number for one company&apos;s calls</source>
        <translation>選択した番号を 1 つの企業の通話専用にします</translation>
    </message>
    <message>
        <source>Make &amp;Shared</source>
        <translation>共有に戻す(&amp;S)</translation>
    </message>
    <message>
        <source>Return the selected dedicated number to the shared pool</source>
        <translation>選択した企業専用番号を共有プールに戻します</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>削除(&amp;R)…</translation>
    </message>
    <message>
        <source>Take the selected number out of the pool (Del)</source>
        <translation>選択した番号をプールから外します（Del）</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込んでいます…</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s)</source>
        <translation>
            <numerusform>%n 個の番号</numerusform>
        </translation>
    </message>
    <message>
        <source>The number is on a call; wait until it is released.</source>
        <translation>この番号は通話中です。解放されるまでお待ちください。</translation>
    </message>
    <message>
        <source>%1 added, dedicated to %2.</source>
        <translation>%1 を %2 の専用番号として追加しました。</translation>
    </message>
    <message>
        <source>%1 added to the shared pool.</source>
        <translation>%1 を共有プールに追加しました。</translation>
    </message>
    <message>
        <source>Remove Number</source>
        <translation>番号の削除</translation>
    </message>
    <message>
        <source>Remove %1 (%2) from the pool?

PoolDesk will no longer hand it out. The number stays in your Twilio account and keeps costing its monthly fee until you release it there.</source>
        <translation>%1（%2）をプールから削除しますか？

PoolDesk はこの番号を割り当てなくなります。番号は Twilio アカウントに残り、Twilio で解放するまで月額料金がかかり続けます。</translation>
    </message>
    <message>
        <source>%1 removed from the pool.</source>
        <translation>%1 をプールから削除しました。</translation>
    </message>
    <message>
        <source>%1 is now dedicated.</source>
        <translation>%1 を企業専用番号にしました。</translation>
    </message>
    <message>
        <source>Make Number Shared</source>
        <translation>番号を共有に戻す</translation>
    </message>
    <message>
        <source>Return %1 to the shared pool?

Its company loses its fixed caller ID on this number; any company may then be given it.</source>
        <translation>%1 を共有プールに戻しますか？

この番号を使っていた企業は固定の発信者番号を失い、どの企業にも割り当てられるようになります。</translation>
    </message>
    <message>
        <source>Make Shared</source>
        <translation>共有に戻す</translation>
    </message>
    <message>
        <source>%1 is back in the shared pool.</source>
        <translation>%1 を共有プールに戻しました。</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>プール</translation>
    </message>
    <message>
        <source>R&amp;est Number…</source>
        <translation>番号を休止(&amp;E)…</translation>
    </message>
    <message>
        <source>Stop handing out the selected number for some days; a call on it goes on</source>
        <translation>選択した番号を数日間割り当てません（通話中の通話は続きます）</translation>
    </message>
    <message>
        <source>Return to &amp;Pool</source>
        <translation>プールに戻す(&amp;P)</translation>
    </message>
    <message>
        <source>Hand out the selected resting number again</source>
        <translation>休止中の選択した番号を再び割り当てます</translation>
    </message>
    <message>
        <source>Rest Number</source>
        <translation>番号を休止</translation>
    </message>
    <message numerus="yes">
        <source>Rest %1 for how many days?

PoolDesk will not give it to any call meanwhile (the pool&apos;s policy rests numbers for %n day(s)).</source>
        <translation>
            <numerusform>%1 を何日休止しますか？

その間、PoolDesk はこの番号をどの発信にも割り当てません（プールのポリシーの休止日数は %n 日です）。</numerusform>
        </translation>
    </message>
    <message>
        <source>rested by hand</source>
        <translation>手動で休止</translation>
    </message>
    <message numerus="yes">
        <source>%1 rests for %n day(s).</source>
        <translation>
            <numerusform>%1 を %n 日間休止します。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is back in the pool.</source>
        <translation>%1 をプールに戻しました。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::ReconcilePanel</name>
    <message>
        <source>Compare with &amp;Twilio&apos;s Bill</source>
        <translation>Twilio の請求と比較(&amp;T)</translation>
    </message>
    <message>
        <source>Reads Twilio&apos;s usage records for the month (needs the environment&apos;s credentials) and compares them with PoolDesk&apos;s figures.</source>
        <translation>この月の Twilio の使用量レコードを読み込み（環境の認証情報が必要）、PoolDesk の金額と比較します。</translation>
    </message>
    <message>
        <source>Twilio counts its months in UTC, so this comparison does too, whatever the workspace&apos;s billing time zone.</source>
        <translation>Twilio は月を UTC で区切るため、ワークスペースの請求タイムゾーンにかかわらず、この比較も UTC で行います。</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>区分</translation>
    </message>
    <message>
        <source>PoolDesk count</source>
        <translation>PoolDesk の件数</translation>
    </message>
    <message>
        <source>PoolDesk amount</source>
        <translation>PoolDesk の金額</translation>
    </message>
    <message>
        <source>Twilio count</source>
        <translation>Twilio の件数</translation>
    </message>
    <message>
        <source>Twilio amount</source>
        <translation>Twilio の金額</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差額</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Reconcile %1 with Twilio (%2)</source>
        <translation>%1 を Twilio と照合（%2）</translation>
    </message>
    <message>
        <source>Twilio&apos;s records differ from PoolDesk&apos;s by %1 in all.</source>
        <translation>Twilio の記録と PoolDesk の記録の差額は合計 %1 です。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::RecordingsPanel</name>
    <message>
        <source>The recording cannot be played here: %1. Download it and open it in another player.</source>
        <translation>この録音はここでは再生できません: %1。保存して別のプレーヤーで開いてください。</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>録音日時</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>長さ</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>録音</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop (Esc)</source>
        <translation>停止 (Esc)</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>名前を付けて保存…</translation>
    </message>
    <message>
        <source>Save the recording to a WAV file (Ctrl+S)</source>
        <translation>録音を WAV ファイルに保存 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Delete the recording at Twilio, for good (Del)</source>
        <translation>Twilio の録音を完全に削除 (Del)</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>再生位置</translation>
    </message>
    <message>
        <source>Select a call to see its recordings.</source>
        <translation>通話を選ぶと録音が表示されます。</translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s) of call %1</source>
        <translation>
            <numerusform>通話 %1 の録音 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>This console cannot fetch recordings.</source>
        <translation>このコンソールは録音を取得できません。</translation>
    </message>
    <message>
        <source>Fetching %1 from Twilio…</source>
        <translation>Twilio から %1 を取得しています…</translation>
    </message>
    <message>
        <source>Could not fetch %1: %2</source>
        <translation>%1 を取得できませんでした: %2</translation>
    </message>
    <message>
        <source>Save Recording</source>
        <translation>録音を保存</translation>
    </message>
    <message>
        <source>WAV audio (*.wav);;All files (*)</source>
        <translation>WAV 音声 (*.wav);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 を保存できませんでした: %2</translation>
    </message>
    <message>
        <source>Saved %1 to %2.</source>
        <translation>%1 を %2 に保存しました。</translation>
    </message>
    <message>
        <source>Delete Recording</source>
        <translation>録音を削除</translation>
    </message>
    <message>
        <source>Delete recording %1 of call %2 at Twilio? It cannot be recovered.</source>
        <translation>通話 %2 の録音 %1 を Twilio で削除しますか? 元に戻せません。</translation>
    </message>
    <message>
        <source>This console cannot delete recordings.</source>
        <translation>このコンソールは録音を削除できません。</translation>
    </message>
    <message>
        <source>Deleting %1 at Twilio…</source>
        <translation>Twilio で %1 を削除しています…</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 を削除できませんでした: %2</translation>
    </message>
    <message>
        <source>Deleted %1 at Twilio.</source>
        <translation>Twilio で %1 を削除しました。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>再生</translation>
    </message>
    <message>
        <source>Pause (Space)</source>
        <translation>一時停止 (Space)</translation>
    </message>
    <message>
        <source>Play in the console (Space)</source>
        <translation>コンソールで再生 (Space)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::SettingsView</name>
    <message>
        <source>&amp;Revert</source>
        <translation>元に戻す(&amp;R)</translation>
    </message>
    <message>
        <source>Discard the changes and show the stored settings</source>
        <translation>変更を破棄して、保存されている設定を表示します</translation>
    </message>
    <message>
        <source>&amp;Save Settings</source>
        <translation>設定を保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the changed settings for every console and pooldeskctl (Ctrl+S)</source>
        <translation>変更した設定を、すべてのコンソールと pooldeskctl 向けに保存します（Ctrl+S）</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>プール</translation>
    </message>
    <message>
        <source>The pool view warns (and the scaling policy buys) when fewer shared numbers than this are available</source>
        <translation>利用可能な共有番号がこの数を下回ると、プールビューで警告します（スケーリングポリシーでは購入します）</translation>
    </message>
    <message>
        <source>Calls one number may carry at the same time. Twilio allows more, but one call per number keeps caller ID reputation and status callbacks clean.</source>
        <translation>1 つの番号で同時に行える通話の数です。Twilio ではそれ以上も可能ですが、1 番号 1 通話にすると発信者番号の評価とステータスコールバックが明確に保たれます。</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How long a reservation lasts without renewal; a caller that crashes frees its number after this</source>
        <translation>更新しない場合に予約が続く時間です。発信側がクラッシュした場合も、この時間が過ぎると番号が解放されます</translation>
    </message>
    <message>
        <source>Minimum available &amp;shared numbers:</source>
        <translation>利用可能な共有番号の最小数(&amp;S):</translation>
    </message>
    <message>
        <source>Calls per &amp;number at once:</source>
        <translation>1 番号あたりの同時通話数(&amp;N):</translation>
    </message>
    <message>
        <source>Default &amp;lease:</source>
        <translation>既定のリース期間(&amp;L):</translation>
    </message>
    <message>
        <source>The seed&apos;s rule is one call per number; raise it only if your Twilio account and callers are set up for it.</source>
        <translation>設計上の原則は 1 番号 1 通話です。Twilio アカウントと発信側が対応している場合にのみ引き上げてください。</translation>
    </message>
    <message>
        <source>Scaling Policy</source>
        <translation>スケーリングポリシー</translation>
    </message>
    <message>
        <source>Buy a number when the pool is exhausted</source>
        <translation>プールの番号が不足したら番号を購入する</translation>
    </message>
    <message>
        <source>No maximum</source>
        <translation>上限なし</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>しない</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <source>No cap</source>
        <translation>上限なし</translation>
    </message>
    <message>
        <source>Maximum pool &amp;size:</source>
        <translation>プールの最大サイズ(&amp;S):</translation>
    </message>
    <message>
        <source>Suggest releasing numbers idle for:</source>
        <translation>アイドル番号の解放を提案するまでの期間:</translation>
    </message>
    <message>
        <source>Monthly purchase &amp;budget cap (USD):</source>
        <translation>月間購入予算の上限（USD）(&amp;B):</translation>
    </message>
    <message>
        <source>Tariffs</source>
        <translation>料金表</translation>
    </message>
    <message>
        <source>Country:</source>
        <translation>国:</translation>
    </message>
    <message>
        <source>Number rental per &amp;month (USD):</source>
        <translation>番号の月額料金（USD）(&amp;M):</translation>
    </message>
    <message>
        <source>&amp;Outbound per minute (USD):</source>
        <translation>発信の 1 分あたり料金（USD）(&amp;O):</translation>
    </message>
    <message>
        <source>&amp;Inbound per minute (USD):</source>
        <translation>着信の 1 分あたり料金（USD）(&amp;I):</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>取得元:</translation>
    </message>
    <message>
        <source>Used to estimate costs until Twilio reports a call&apos;s own price. Twilio bills each call per started minute.</source>
        <translation>Twilio から通話ごとの料金が報告されるまで、コストの見積もりに使用します。Twilio は通話ごとに 1 分単位で切り上げて請求します。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <source>Your own choice on this computer. Dates, numbers and amounts follow your system&apos;s regional format.</source>
        <translation>このコンピューターでのあなたの設定です。日付、数値、金額はシステムの地域の形式に従います。</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>Twilio environments (account, API key, webhook addresses) are set with “pooldeskctl env”. Secrets stay in your system&apos;s keychain, never in the database.</source>
        <translation>Twilio の環境（アカウント、API キー、Webhook のアドレス）は「pooldeskctl env」で設定します。シークレットはデータベースではなく、システムのキーチェーンに保存されます。</translation>
    </message>
    <message>
        <source>Twilio&apos;s live prices</source>
        <translation>Twilio の最新料金</translation>
    </message>
    <message>
        <source>Entered here</source>
        <translation>ここで入力した料金</translation>
    </message>
    <message>
        <source>Twilio&apos;s published US prices (defaults)</source>
        <translation>Twilio が公表している米国の料金（既定値）</translation>
    </message>
    <message>
        <source>The budget cap must be an amount in US dollars (for example 50.00), or empty for no cap.</source>
        <translation>予算の上限は米ドルの金額（例: 50.00）で入力してください。上限を設けない場合は空欄にします。</translation>
    </message>
    <message>
        <source>Prices must be amounts in US dollars, for example 1.15 or 0.0130.</source>
        <translation>料金は 1.15 や 0.0130 のように米ドルの金額で入力してください。</translation>
    </message>
    <message>
        <source>Settings saved. Every console and pooldeskctl uses them from now on.</source>
        <translation>設定を保存しました。今後はすべてのコンソールと pooldeskctl でこの設定が使用されます。</translation>
    </message>
    <message>
        <source>Nothing to save: the settings are unchanged.</source>
        <translation>保存する変更はありません。設定は変更されていません。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>アクセス</translation>
    </message>
    <message>
        <source>This pool is a SQLite file. Whoever can open the file (here the account %1) has full access to every company&apos;s data, and PoolDesk cannot limit it. Teams that need roles and isolation between companies keep the pool in PostgreSQL.</source>
        <translation>このプールは SQLite ファイルです。ファイルを開ける人（ここではアカウント %1）は、すべての企業のデータに完全にアクセスでき、PoolDesk はそれを制限できません。ロールや企業間のデータ分離が必要なチームは、プールを PostgreSQL に置いてください。</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>You are signed in to PostgreSQL as %1. Each person uses their own login; administrators add people and set their roles under Users below or with `pooldeskctl user add`.</source>
        <translation>PostgreSQL に %1 としてサインインしています。各ユーザーは自分のログインを使います。管理者は下の「ユーザー」または `pooldeskctl user add` でユーザーを追加し、ロールを設定します。</translation>
    </message>
    <message>
        <source>Where consoles without Twilio credentials (client companies&apos; managers) get call recordings: the pool service&apos;s address as they reach it. Leave empty if only administrators listen.</source>
        <translation>Twilio の認証情報を持たないコンソール (顧客企業の管理者) が通話録音を受け取る先: そのコンソールから見たプールサービスのアドレスです。録音を聞くのが管理者だけなら空のままにします。</translation>
    </message>
    <message>
        <source>Pool service &amp;address:</source>
        <translation>プールサービスのアドレス(&amp;A):</translation>
    </message>
    <message>
        <source>The pool service address must be an http or https URL, for example https://pool.example.com:8080.</source>
        <translation>プールサービスのアドレスは http または https の URL にしてください (例: https://pool.example.com:8080)。</translation>
    </message>
    <message>
        <source>Where months and days begin for budget limits, usage, cost reports, the Calls view and pooldeskctl&apos;s dates. Times are stored in UTC; closed months keep the zone they were closed in. Reconciliation with Twilio always uses UTC, as Twilio bills.</source>
        <translation>予算上限、使用量、コストレポート、通話ビュー、pooldeskctl の日付で、月と日の始まりを決めます。時刻は UTC で保存されます。締め済みの月は締めた時点のタイムゾーンを保ちます。Twilio との照合は Twilio の請求と同じく常に UTC です。</translation>
    </message>
    <message>
        <source>Billing time &amp;zone:</source>
        <translation>請求タイムゾーン(&amp;Z):</translation>
    </message>
    <message>
        <source>“%1” is not a time zone this computer knows. Pick one from the list, for example Asia/Tokyo or UTC.</source>
        <translation>「%1」はこのコンピューターが知らないタイムゾーンです。一覧から選んでください（例: Asia/Tokyo、UTC）。</translation>
    </message>
    <message>
        <source>Also buy local numbers where calls went out without one</source>
        <translation>ローカル番号なしで発信した地域のローカル番号も購入する</translation>
    </message>
    <message>
        <source>Each callee area code that calls went to from a number outside it over the last 7 days gets the numbers its sizing lacks, within the maximum pool size and the budget cap. Off, those area codes are still served first when the pool buys for other reasons.</source>
        <translation>過去 7 日間に市外局番の外の番号から発信した着信先の市外局番ごとに、サイジングで不足する数の番号を、最大プールサイズと予算上限の範囲内で購入します。オフでも、ほかの理由で購入するときはそれらの市外局番が優先されます。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::SignIn</name>
    <message>
        <source>Sign-in was cancelled.</source>
        <translation>サインインがキャンセルされました。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::SignInDialog</name>
    <message>
        <source>Sign In to the Pool</source>
        <translation>プールにサインイン</translation>
    </message>
    <message>
        <source>PostgreSQL database %1 on %2</source>
        <translation>%2 上の PostgreSQL データベース %1</translation>
    </message>
    <message>
        <source>&amp;Remember the password in this computer&apos;s keychain</source>
        <translation>このコンピューターのキーチェーンにパスワードを保存する(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>ログイン(&amp;L):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>パスワード(&amp;P):</translation>
    </message>
    <message>
        <source>Sign In</source>
        <translation>サインイン</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::TwilioActions</name>
    <message>
        <source>&amp;Import Numbers from Twilio…</source>
        <translation>Twilio から番号をインポート(&amp;I)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+I</source>
        <translation>Ctrl+Shift+I</translation>
    </message>
    <message>
        <source>Search and &amp;Buy a Number…</source>
        <translation>番号を検索して購入(&amp;B)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+B</source>
        <translation>Ctrl+Shift+B</translation>
    </message>
    <message>
        <source>&amp;Release a Number…</source>
        <translation>番号を解放(&amp;R)…</translation>
    </message>
    <message>
        <source>Update &amp;Webhooks…</source>
        <translation>Webhook を更新(&amp;W)…</translation>
    </message>
    <message>
        <source>&amp;Sync Calls from Twilio…</source>
        <translation>Twilio から通話を同期(&amp;S)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+S</source>
        <translation>Ctrl+Shift+S</translation>
    </message>
    <message>
        <source>Fetch Twilio &amp;Prices…</source>
        <translation>Twilio の料金を取得(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Test Twilio Connection</source>
        <translation>Twilio への接続をテスト(&amp;T)</translation>
    </message>
    <message>
        <source>The Twilio environment the console works on</source>
        <translation>このコンソールで操作する Twilio 環境</translation>
    </message>
    <message>
        <source>Import numbers (%1)</source>
        <translation>番号のインポート（%1）</translation>
    </message>
    <message>
        <source>%1 added, %2 updated, %3 unchanged, %4 back on the account, %5 missing from Twilio (flagged, not deleted).</source>
        <translation>追加 %1 件、更新 %2 件、変更なし %3 件、アカウントに復帰 %4 件、Twilio に存在しない番号 %5 件（削除せずにマーク）。</translation>
    </message>
    <message>
        <source>Release a number</source>
        <translation>番号の解放</translation>
    </message>
    <message>
        <source>Number to release from the %1 Twilio account (E.164):</source>
        <translation>%1 の Twilio アカウントから解放する番号（E.164）:</translation>
    </message>
    <message>
        <source>Release %1?</source>
        <translation>%1 を解放しますか？</translation>
    </message>
    <message>
        <source>Release %1 from the %2 Twilio account? A released number cannot be recovered: Twilio may give it to someone else. Its rental of %3 a month stops.</source>
        <translation>%1 を %2 の Twilio アカウントから解放しますか？解放した番号は元に戻せません。Twilio が他のユーザーに割り当てる可能性があります。月額 %3 の料金は停止されます。</translation>
    </message>
    <message>
        <source>Release Number</source>
        <translation>番号を解放</translation>
    </message>
    <message>
        <source>Release %1</source>
        <translation>%1 を解放</translation>
    </message>
    <message>
        <source>Released %1 and removed it from the pool.</source>
        <translation>%1 を解放し、プールから削除しました。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>  [points at %1]</source>
        <translation>  [%1 を指しています]</translation>
    </message>
    <message>
        <source>Webhooks (%1): preview</source>
        <translation>Webhook（%1）: プレビュー</translation>
    </message>
    <message>
        <source>Update webhooks</source>
        <translation>Webhook の更新</translation>
    </message>
    <message numerus="yes">
        <source>Point %n number(s) of the %1 account at its webhook URLs?</source>
        <translation>
            <numerusform>%1 アカウントの番号 %n 件を、その環境の Webhook URL に向けますか？</numerusform>
        </translation>
    </message>
    <message>
        <source>Update Webhooks</source>
        <translation>Webhook を更新</translation>
    </message>
    <message>
        <source>Webhooks (%1)</source>
        <translation>Webhook（%1）</translation>
    </message>
    <message>
        <source>Sync calls (%1)</source>
        <translation>通話の同期（%1）</translation>
    </message>
    <message>
        <source>Twilio prices</source>
        <translation>Twilio の料金</translation>
    </message>
    <message>
        <source>Country (two letters):</source>
        <translation>国（2 文字）:</translation>
    </message>
    <message>
        <source>Prices (%1)</source>
        <translation>料金（%1）</translation>
    </message>
    <message>
        <source>%1: number %2 a month, outbound %3 a minute, inbound %4 a minute (from Twilio).</source>
        <translation>%1: 番号 月額 %2、発信 1 分あたり %3、着信 1 分あたり %4（Twilio の料金）。</translation>
    </message>
    <message>
        <source>Test connection (%1)</source>
        <translation>接続テスト（%1）</translation>
    </message>
    <message>
        <source>Connected: %1 &quot;%2&quot; (%3, %4).</source>
        <translation>接続しました: %1 &quot;%2&quot;（%3、%4）。</translation>
    </message>
    <message>
        <source>Recordings reach this console through the pool service, whose address is not set. Ask an administrator to enter it in Settings ▸ Pool.</source>
        <translation>このコンソールへの録音はプールサービス経由で届きますが、そのアドレスが設定されていません。管理者に「設定 ▸ プール」で入力するよう依頼してください。</translation>
    </message>
    <message>
        <source>%1 new calls, %2 matched to calls the pool recorded, %3 got Twilio&apos;s price, %4 unchanged, %5 still under way; %6 recordings.</source>
        <translation>新しい通話 %1 件、プールの記録と照合 %2 件、Twilio の料金を取得 %3 件、変更なし %4 件、通話中 %5 件。録音 %6 件。</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n number(s) would change (%2 point at another environment).
</source>
        <translation>
            <numerusform>%n 件の番号のうち %1 件が変更されます (%2 件は別の環境を指しています)。
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Updated %1 of %n number(s) (%2 had pointed at another environment).
</source>
        <translation>
            <numerusform>%n 件の番号のうち %1 件を更新しました (%2 件は別の環境を指していました)。
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::UsageView</name>
    <message>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>過去 30 日間</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>過去 90 日間</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>期間(&amp;P):</translation>
    </message>
    <message>
        <source>The share of calls you accept to find no free number in the busiest hour</source>
        <translation>最繁時に空き番号が見つからない通話の割合として許容する値</translation>
    </message>
    <message>
        <source>&amp;Blocking target:</source>
        <translation>目標呼損率(&amp;B):</translation>
    </message>
    <message>
        <source>Concurrent calls (peak per hour)</source>
        <translation>同時通話数（1 時間ごとのピーク）</translation>
    </message>
    <message>
        <source>Calls per day by company</source>
        <translation>企業別の 1 日あたり通話数</translation>
    </message>
    <message>
        <source>Utilization per number</source>
        <translation>番号別の使用率</translation>
    </message>
    <message>
        <source>Shared numbers free at the busiest moment</source>
        <translation>最も混雑した時点での空き共有番号</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通話数</translation>
    </message>
    <message>
        <source>Billed minutes</source>
        <translation>課金対象分数</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込んでいます…</translation>
    </message>
    <message>
        <source>The usage charts could not be loaded: %1</source>
        <translation>使用状況のグラフを読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>%1 · %2 to %3</source>
        <translation>%1 · %2～%3</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>本番環境</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>開発環境</translation>
    </message>
    <message>
        <source>Peak in the hour</source>
        <translation>1 時間内のピーク</translation>
    </message>
    <message>
        <source>Average (erlangs)</source>
        <translation>平均（アーラン）</translation>
    </message>
    <message>
        <source>Concurrent calls — peak %1 at %2</source>
        <translation>同時通話数 — ピーク %1（%2）</translation>
    </message>
    <message>
        <source>Concurrent calls — no calls in this period</source>
        <translation>同時通話数 — この期間の通話はありません</translation>
    </message>
    <message>
        <source>(deleted company)</source>
        <translation>（削除された企業）</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>通話分数</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>共有</translation>
    </message>
    <message>
        <source>Dedicated</source>
        <translation>専用</translation>
    </message>
    <message>
        <source>% of the period in calls</source>
        <translation>期間中の通話時間の割合（%）</translation>
    </message>
    <message>
        <source>Utilization per number — no numbers</source>
        <translation>番号別の使用率 — 番号がありません</translation>
    </message>
    <message>
        <source>Utilization per number (busiest 12)</source>
        <translation>番号別の使用率（上位 12 件）</translation>
    </message>
    <message>
        <source>Free shared numbers (lowest in the hour)</source>
        <translation>空き共有番号（1 時間内の最小値）</translation>
    </message>
    <message>
        <source>Threshold (%1)</source>
        <translation>しきい値（%1）</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>番号数</translation>
    </message>
    <message>
        <source>Shared pool availability (%1 shared numbers)</source>
        <translation>共有プールの空き状況（共有番号 %1 個）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Pool size:&lt;/b&gt; no calls on shared numbers in this period, so there is no busiest hour to size the pool from. The pool has %1 shared numbers.</source>
        <translation>&lt;b&gt;プールサイズ:&lt;/b&gt; この期間は共有番号での通話がないため、プールサイズの算出に使う最繁時がありません。プールには共有番号が %1 個あります。</translation>
    </message>
    <message numerus="yes">
        <source>The pool is &lt;b&gt;too small&lt;/b&gt; for this target: add %n number(s).</source>
        <translation>
            <numerusform>この目標に対してプールが&lt;b&gt;小さすぎます&lt;/b&gt;。番号を %n 個追加してください。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The pool is larger than needed: %n number(s) could be released.</source>
        <translation>
            <numerusform>プールが必要以上に大きくなっています。番号を %n 個解放できます。</numerusform>
        </translation>
    </message>
    <message>
        <source>The pool is exactly the recommended size.</source>
        <translation>プールは推奨サイズちょうどです。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Erlang B:&lt;/b&gt; busiest hour %1 carried %2 erlangs. For at most %3 blocked calls, &lt;b&gt;%4 shared numbers&lt;/b&gt; are recommended; the pool has &lt;b&gt;%5&lt;/b&gt;. %6</source>
        <translation>&lt;b&gt;アーラン B 式:&lt;/b&gt; 最繁時 %1 の呼量は %2 アーランでした。呼損率を %3 以下に抑えるには &lt;b&gt;共有番号 %4 個&lt;/b&gt; を推奨します。現在のプールは &lt;b&gt;%5 個&lt;/b&gt;です。%6</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>使用状況</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n number(s), has %2</source>
        <translation>
            <numerusform>%1: %n 個が必要（現在 %2 個）</numerusform>
        </translation>
    </message>
    <message>
        <source> (the daily cap, not traffic, sets this)</source>
        <translation>（通話量ではなく 1 日の上限で決まります）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Local presence&lt;/b&gt; (shared numbers by the callees&apos; area code): %1.</source>
        <translation>&lt;b&gt;ローカルプレゼンス&lt;/b&gt;（発信先の市外局番ごとの共有番号）: %1。</translation>
    </message>
    <message>
        <source>Answer rate by number</source>
        <translation>番号別の応答率</translation>
    </message>
    <message numerus="yes">
        <source>Answered: completed and at least %n second(s) long, as in the Pool view&apos;s health.</source>
        <translation>
            <numerusform>応答: 完了し、%n 秒以上続いた通話 (プールビューのヘルスと同じ基準)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>A day or week with fewer than %n call(s) on a number is a gap in its line, not 0%.</source>
        <translation>
            <numerusform>番号の通話が %n 件未満の日または週は 0% ではなく線の切れ目として表示します。</numerusform>
        </translation>
    </message>
    <message>
        <source>Billed minutes per day by company (days in %1)</source>
        <translation>会社別の日ごとの課金分数 (%1 の日付)</translation>
    </message>
    <message>
        <source>Calls per day by company (days in %1)</source>
        <translation>会社別の日ごとの通話数 (%1 の日付)</translation>
    </message>
    <message>
        <source>Weeks from Monday, %1</source>
        <translation>月曜始まりの週、%1</translation>
    </message>
    <message>
        <source>Days, %1</source>
        <translation>日、%1</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>応答率</translation>
    </message>
    <message>
        <source>Answer rate by number — no call in this period has a reported outcome</source>
        <translation>番号別の応答率 — この期間に結果が報告された通話はありません</translation>
    </message>
    <message numerus="yes">
        <source>Answer rate by number — the busiest %n and any on watch or resting</source>
        <translation>
            <numerusform>番号別の応答率 — 通話の多い %n 番号と、要注意・休止中の番号</numerusform>
        </translation>
    </message>
    <message>
        <source>All numbers</source>
        <translation>すべての番号</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Week of %1</source>
        <translation>%1 の週</translation>
    </message>
    <message numerus="yes">
        <source>%1
%2: %3 answered (%4 of %n call(s))</source>
        <translation>
            <numerusform>%1
%2: 応答率 %3 (%n 件中 %4 件)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::UserDialog</name>
    <message>
        <source>Add a User</source>
        <translation>ユーザーの追加</translation>
    </message>
    <message>
        <source>Change %1&apos;s Role</source>
        <translation>%1 のロールを変更</translation>
    </message>
    <message>
        <source>Their database login, for example alice</source>
        <translation>データベースのログイン名（例: alice）</translation>
    </message>
    <message>
        <source>The login exists already (peer or certificate sign-in): set no password</source>
        <translation>ログインは既に存在します（peer または証明書でサインイン）: パスワードを設定しない</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>ログイン(&amp;L):</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>ロール(&amp;R):</translation>
    </message>
    <message>
        <source>&amp;Companies:</source>
        <translation>企業(&amp;C):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>パスワード(&amp;P):</translation>
    </message>
    <message>
        <source>Con&amp;firm password:</source>
        <translation>パスワードの確認(&amp;F):</translation>
    </message>
    <message>
        <source>Add User</source>
        <translation>ユーザーを追加</translation>
    </message>
    <message>
        <source>Change Role</source>
        <translation>ロールを変更</translation>
    </message>
    <message>
        <source>Type the user&apos;s database login.</source>
        <translation>ユーザーのデータベースログイン名を入力してください。</translation>
    </message>
    <message>
        <source>Type a password for the new login, or tick that the login exists already.</source>
        <translation>新しいログインのパスワードを入力するか、ログインが既に存在することをチェックしてください。</translation>
    </message>
    <message>
        <source>The two passwords differ. Type the same password twice.</source>
        <translation>2 つのパスワードが一致しません。同じパスワードを 2 回入力してください。</translation>
    </message>
    <message>
        <source>A manager manages one or more companies: tick them.</source>
        <translation>マネージャーは 1 社以上の企業を担当します。企業にチェックを入れてください。</translation>
    </message>
</context>
<context>
    <name>PoolDesk::Ui::UsersSection</name>
    <message>
        <source>Everyone signs in to the pool&apos;s database with their own login. Their role decides what PostgreSQL lets them read and change; a manager sees only the companies ticked for them.</source>
        <translation>各ユーザーは自分のログインでプールのデータベースにサインインします。何を閲覧・変更できるかはロールに応じて PostgreSQL が決め、マネージャーはチェックされた企業だけを閲覧できます。</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>ロール</translation>
    </message>
    <message>
        <source>Companies</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>&amp;Add User…</source>
        <translation>ユーザーを追加(&amp;A)…</translation>
    </message>
    <message>
        <source>Change R&amp;ole…</source>
        <translation>ロールを変更(&amp;O)…</translation>
    </message>
    <message>
        <source>Remo&amp;ve User…</source>
        <translation>ユーザーを削除(&amp;V)…</translation>
    </message>
    <message>
        <source>Remove %1? PoolDesk created this login, so it is dropped too: %1 can no longer sign in to the database.</source>
        <translation>%1 を削除しますか？ このログインは PoolDesk が作成したため、ログインも削除されます。%1 はデータベースにサインインできなくなります。</translation>
    </message>
    <message>
        <source>Remove %1 from PoolDesk? The database login stays; it loses its PoolDesk role and cannot connect to this pool.</source>
        <translation>%1 を PoolDesk から削除しますか？ データベースのログインは残りますが、PoolDesk のロールを失い、このプールに接続できなくなります。</translation>
    </message>
    <message>
        <source>Remove User</source>
        <translation>ユーザーの削除</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>PoolService</name>
    <message>
        <source>A worker thread could not take the listening socket.</source>
        <translation>ワーカースレッドが待ち受けソケットを引き継げませんでした。</translation>
    </message>
</context>
<context>
    <name>ReconcileOperation</name>
    <message>
        <source>Twilio reported no usage in this category.</source>
        <translation>Twilio はこの区分の利用を報告していません。</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) on the account outside the pool</source>
        <translation>
            <numerusform>プール外のアカウント上の番号 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) Twilio billed that PoolDesk has not synced (run Twilio ▸ Sync Calls)</source>
        <translation>
            <numerusform>Twilio が請求したが PoolDesk に同期されていない通話 %n 件 (Twilio ▸ 通話を同期 を実行してください)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) charged here that Twilio did not bill this month</source>
        <translation>
            <numerusform>ここでは課金したが Twilio が今月請求していない番号 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) here that Twilio has not billed yet</source>
        <translation>
            <numerusform>Twilio がまだ請求していない通話 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) still at the estimate (Twilio&apos;s price not synced)</source>
        <translation>
            <numerusform>見積もりのままの通話 %n 件 (Twilio の料金が未同期)</numerusform>
        </translation>
    </message>
    <message>
        <source>prices differ from the tariff</source>
        <translation>料金が料金表と異なります</translation>
    </message>
</context>
<context>
    <name>RecordingRelay</name>
    <message>
        <source>The pool database is not reachable.</source>
        <translation>プールのデータベースに接続できません。</translation>
    </message>
    <message>
        <source>The pool service at %1 cannot be reached (%2). Check the address in Settings ▸ Pool and that it runs.</source>
        <translation>%1 のプールサービスに接続できません (%2)。「設定 ▸ プール」のアドレスと、サービスが動いていることを確認してください。</translation>
    </message>
    <message>
        <source>The pool service answered %1: %2</source>
        <translation>プールサービスの応答 %1: %2</translation>
    </message>
</context>
<context>
    <name>RecordingTickets</name>
    <message>
        <source>This pool serves no recordings: its consoles fetch them from Twilio themselves.</source>
        <translation>このプールは録音を配信しません。コンソールが Twilio から直接取得します。</translation>
    </message>
    <message>
        <source>The recording ticket is not valid: it is unknown, used or expired. Ask the console for a new one.</source>
        <translation>録音チケットが無効です (不明、使用済み、または期限切れ)。コンソールで新しいチケットを取得してください。</translation>
    </message>
</context>
<context>
    <name>Recordings</name>
    <message>
        <source>Call recordings are not shown to your role. %1</source>
        <translation>あなたのロールには通話録音は表示されません。%1</translation>
    </message>
    <message>
        <source>Your role may not delete call recordings.</source>
        <translation>あなたのロールでは通話録音を削除できません。</translation>
    </message>
    <message>
        <source>Your role may not play call recordings.</source>
        <translation>あなたのロールでは通話録音を再生できません。</translation>
    </message>
    <message>
        <source>Your role may not download call recordings.</source>
        <translation>あなたのロールでは通話録音をダウンロードできません。</translation>
    </message>
    <message>
        <source>Recordings are served by the pool service only for PostgreSQL workspaces.</source>
        <translation>プールサービスによる録音の配信は PostgreSQL のワークスペースだけで使えます。</translation>
    </message>
    <message>
        <source>No recording %1 within your reach.</source>
        <translation>アクセスできる録音 %1 はありません。</translation>
    </message>
    <message>
        <source>No recording %1 within your reach. A new recording appears here after the next call sync (Twilio ▸ Sync Calls, run by an administrator).</source>
        <translation>アクセスできる録音 %1 はありません。新しい録音は次回の通話同期 (管理者が実行する Twilio ▸ 通話を同期) の後に表示されます。</translation>
    </message>
</context>
<context>
    <name>Reputation</name>
    <message>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>要注意</translation>
    </message>
    <message>
        <source>Resting</source>
        <translation>休止中</translation>
    </message>
</context>
<context>
    <name>SecretStore</name>
    <message>
        <source>No secret is stored in the system keychain under &quot;%1&quot;. Store it with `pooldeskctl env set-secret ENV` or in the console&apos;s environment settings.</source>
        <translation>システムのキーチェーンに &quot;%1&quot; のシークレットが保存されていません。`pooldeskctl env set-secret ENV` か、コンソールの環境設定で保存してください。</translation>
    </message>
    <message>
        <source>No system keychain is available (on Linux: a Secret Service such as GNOME Keyring or KWallet, reached over the D-Bus session bus). Start one and log in to it, or for automation set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET). Details: %1</source>
        <translation>システムのキーチェーンを利用できません（Linux では D-Bus セッションバス経由の GNOME Keyring や KWallet などの Secret Service）。キーチェーンを起動してログインするか、自動処理では TWILIO_ACCOUNT_SID と TWILIO_AUTH_TOKEN（または TWILIO_API_KEY と TWILIO_API_SECRET）を設定してください。詳細: %1</translation>
    </message>
    <message>
        <source>The system keychain refused access (it may be locked, or the unlock was cancelled). Unlock it and try again. Details: %1</source>
        <translation>システムのキーチェーンがアクセスを拒否しました（ロックされているか、ロック解除が取り消された可能性があります）。ロックを解除してからもう一度お試しください。詳細: %1</translation>
    </message>
    <message>
        <source>The system keychain failed: %1. Check that it is running and unlocked.</source>
        <translation>システムのキーチェーンでエラーが発生しました: %1。キーチェーンが起動していて、ロックが解除されているか確認してください。</translation>
    </message>
    <message>
        <source>The system keychain did not answer within %1 seconds. It is probably locked and waiting for its password: unlock it (for example by logging in to the desktop session) and try again.</source>
        <translation>システムのキーチェーンが %1 秒以内に応答しませんでした。ロックされていてパスワードの入力を待っている可能性があります。ロックを解除して（デスクトップセッションにログインするなど）、もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>ServiceApi</name>
    <message>
        <source>Unknown field &quot;%1&quot;.</source>
        <translation>不明なフィールド &quot;%1&quot; です。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; is required.</source>
        <translation>フィールド &quot;%1&quot; は必須です。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must be a string.</source>
        <translation>フィールド &quot;%1&quot; は文字列にしてください。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must not be empty.</source>
        <translation>フィールド &quot;%1&quot; は空にできません。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; is longer than %2 characters.</source>
        <translation>フィールド &quot;%1&quot; が %2 文字を超えています。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must be a whole number.</source>
        <translation>フィールド &quot;%1&quot; は整数にしてください。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must be between %2 and %3.</source>
        <translation>フィールド &quot;%1&quot; は %2～%3 の範囲にしてください。</translation>
    </message>
    <message>
        <source>The request needs a JSON object body.</source>
        <translation>リクエストの本文には JSON オブジェクトが必要です。</translation>
    </message>
    <message>
        <source>The body is not valid JSON (%1 at byte %2).</source>
        <translation>本文が正しい JSON ではありません（%2 バイト目: %1）。</translation>
    </message>
    <message>
        <source>The body must be a JSON object.</source>
        <translation>本文は JSON オブジェクトにしてください。</translation>
    </message>
    <message>
        <source>This path does not accept that method.</source>
        <translation>このパスはそのメソッドを受け付けません。</translation>
    </message>
    <message>
        <source>There is no such API path. The API lives under /v1/.</source>
        <translation>そのような API パスはありません。API は /v1/ 以下にあります。</translation>
    </message>
    <message>
        <source>There is no such API path.</source>
        <translation>そのような API パスはありません。</translation>
    </message>
    <message>
        <source>Send an API key as &quot;Authorization: Bearer KEY&quot;. Create one with: pooldeskctl service key create</source>
        <translation>API キーを &quot;Authorization: Bearer KEY&quot; の形式で送信してください。キーは pooldeskctl service key create で作成できます。</translation>
    </message>
    <message>
        <source>The API key is not valid or was revoked.</source>
        <translation>API キーが無効か、失効しています。</translation>
    </message>
    <message>
        <source>Too many requests with this API key. Retry after %1 second(s).</source>
        <translation>この API キーによるリクエストが多すぎます。%1 秒後に再試行してください。</translation>
    </message>
    <message>
        <source>This API key may allocate only for %1.</source>
        <translation>この API キーで番号を割り当てられるのは %1 だけです。</translation>
    </message>
    <message>
        <source>The field &quot;direction&quot; must be &quot;outbound&quot; or &quot;inbound&quot;.</source>
        <translation>フィールド &quot;direction&quot; は &quot;outbound&quot; または &quot;inbound&quot; にしてください。</translation>
    </message>
    <message>
        <source>The field &quot;call_sid&quot; must be a Twilio call SID such as CA0123....</source>
        <translation>フィールド &quot;call_sid&quot; は CA0123... のような Twilio の通話 SID にしてください。</translation>
    </message>
    <message>
        <source>This service cannot check Twilio signatures: set TWILIO_AUTH_TOKEN and the public webhook URL (--public-url or POOLDESK_PUBLIC_URL).</source>
        <translation>このサービスは Twilio の署名を検証できません。TWILIO_AUTH_TOKEN と公開 Webhook URL（--public-url または POOLDESK_PUBLIC_URL）を設定してください。</translation>
    </message>
    <message>
        <source>The X-Twilio-Signature header is missing or does not match this request.</source>
        <translation>X-Twilio-Signature ヘッダーがないか、このリクエストと一致しません。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must be valid UTF-8 text without control characters.</source>
        <translation>フィールド「%1」は制御文字を含まない正しい UTF-8 テキストにしてください。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must be 1 to %2 characters of text without control or invisible formatting characters.</source>
        <translation>フィールド「%1」は制御文字や不可視の書式文字を含まない 1〜%2 文字のテキストにしてください。</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; must be 1 to %2 characters, each an ASCII letter or digit or one of - _ . : @ + = ~</source>
        <translation>フィールド「%1」は 1〜%2 文字で、各文字は ASCII の英字・数字、または - _ . : @ + = ~ のいずれかにしてください</translation>
    </message>
    <message>
        <source>The pool service could not complete the request. Try again; if it keeps failing, its log says why.</source>
        <translation>プールサービスはリクエストを完了できませんでした。再試行してください。失敗が続く場合は、サービスのログに理由が記録されています。</translation>
    </message>
    <message>
        <source>This API key may act only for %1.</source>
        <translation>この API キーは %1 のためにだけ使えます。</translation>
    </message>
    <message>
        <source>Too many requests from this address. Retry after %1 second(s).</source>
        <translation>このアドレスからのリクエストが多すぎます。%1 秒後に再試行してください。</translation>
    </message>
    <message>
        <source>Recordings are served as /v1/recordings/RE....wav.</source>
        <translation>録音は /v1/recordings/RE....wav で配信されます。</translation>
    </message>
    <message>
        <source>Send the console&apos;s recording ticket as &quot;Authorization: Bearer TICKET&quot;.</source>
        <translation>コンソールの録音チケットを &quot;Authorization: Bearer TICKET&quot; として送ってください。</translation>
    </message>
    <message>
        <source>This service does not serve recordings.</source>
        <translation>このサービスは録音を配信しません。</translation>
    </message>
    <message>
        <source>The field &quot;outcome&quot; must be one of %1.</source>
        <translation>フィールド「outcome」は %1 のいずれかにしてください。</translation>
    </message>
    <message>
        <source>The pool database is read-only: the service cannot save allocations, releases or call results. Nothing was changed. Its administrator must make the database writable; the service&apos;s log names it.</source>
        <translation>プールのデータベースは読み取り専用です。サービスは割り当て、解放、通話結果を保存できません。何も変更されていません。管理者がデータベースを書き込み可能にする必要があります。サービスのログにデータベース名が記録されています。</translation>
    </message>
    <message>
        <source>The disk holding the pool database is full: the service cannot save allocations, releases or call results. Nothing was changed. Its administrator must free space; the service&apos;s log names the database.</source>
        <translation>プールのデータベースがあるディスクがいっぱいです。サービスは割り当て、解放、通話結果を保存できません。何も変更されていません。管理者が空き容量を確保する必要があります。サービスのログにデータベース名が記録されています。</translation>
    </message>
</context>
<context>
    <name>ServiceConfig</name>
    <message>
        <source>&quot;%1&quot; is not a listen address. Use ADDRESS:PORT, for example 127.0.0.1:8736 or [::1]:8736.</source>
        <translation>&quot;%1&quot; は待ち受けアドレスではありません。127.0.0.1:8736 や [::1]:8736 のように ADDRESS:PORT の形式で指定してください。</translation>
    </message>
    <message>
        <source>The open-file limit is %1 descriptors: serving at most %2 connections instead of %3 (%4 are kept for database connections and log files). Raise the limit (LimitNOFILE= in the systemd unit, ulimit -n) to serve more.</source>
        <translation>オープンファイル数の上限が %1 のため、同時接続は %3 ではなく最大 %2 とします（%4 はデータベース接続とログファイル用に確保）。より多く扱うには上限を上げてください（systemd ユニットの LimitNOFILE=、ulimit -n）。</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>&quot;%1&quot; is not a time zone this computer knows. Use an IANA name such as Asia/Tokyo, Europe/London or UTC.</source>
        <translation>&quot;%1&quot; はこのコンピューターが知らないタイムゾーンです。Asia/Tokyo、Europe/London、UTC などの IANA 名を使ってください。</translation>
    </message>
</context>
<context>
    <name>Sql</name>
    <message>
        <source>The database reported an error: %1</source>
        <translation>データベースでエラーが発生しました: %1</translation>
    </message>
    <message>
        <source>The pool database cannot be reached right now. Try again in a few seconds; if this goes on, check that the database server is running and reachable.</source>
        <translation>現在プールのデータベースに接続できません。数秒後に再試行してください。続く場合は、データベースサーバーが稼働していて接続できるか確認してください。</translation>
    </message>
    <message>
        <source>Your PoolDesk role may not do this: the database refused it. Changes to the pool, companies, limits, keys, environments and settings need the Administrator role; `pooldeskctl whoami` says which role you have.</source>
        <translation>あなたの PoolDesk ロールではこの操作はできません（データベースが拒否しました）。プール、企業、上限、キー、環境、設定の変更には管理者ロールが必要です。自分のロールは `pooldeskctl whoami` で確認できます。</translation>
    </message>
    <message>
        <source>The pool database %1 is read-only: the server accepts no changes to it (default_transaction_read_only, or a standby server). Nothing was changed. Ask its administrator to make it writable, then try again. Viewing, reports and exports still work.</source>
        <translation>プールのデータベース %1 は読み取り専用です。サーバーは変更を受け付けません (default_transaction_read_only、またはスタンバイサーバー)。何も変更されていません。管理者に書き込み可能にするよう依頼してから、もう一度お試しください。表示、レポート、エクスポートは引き続き使えます。</translation>
    </message>
    <message>
        <source>The pool database file %1 is read-only, so PoolDesk cannot save changes to it. Nothing was changed. Make the file and its folder writable for your account (or move it to a disk that is not mounted read-only), then try again. Viewing, reports and exports still work.</source>
        <translation>プールのデータベースファイル %1 は読み取り専用のため、PoolDesk は変更を保存できません。何も変更されていません。ファイルとそのフォルダーをあなたのアカウントで書き込み可能にしてから (または読み取り専用でマウントされていないディスクに移してから)、もう一度お試しください。表示、レポート、エクスポートは引き続き使えます。</translation>
    </message>
    <message>
        <source>The disk of the PostgreSQL server holding the pool database %1 is full. The change was not saved; nothing of it was kept. Ask the server&apos;s administrator to free space, then try again.</source>
        <translation>プールのデータベース %1 がある PostgreSQL サーバーのディスクがいっぱいです。変更は保存されず、その一部も残っていません。サーバーの管理者に空き容量の確保を依頼してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The disk holding the pool database file %1 is full. The change was not saved; nothing of it was kept. Free space on that disk, then try again. Viewing, reports and exports to another disk still work.</source>
        <translation>プールのデータベースファイル %1 があるディスクがいっぱいです。変更は保存されず、その一部も残っていません。そのディスクの空き容量を確保してから、もう一度お試しください。表示、レポート、別のディスクへのエクスポートは引き続き使えます。</translation>
    </message>
</context>
<context>
    <name>Tables</name>
    <message>
        <source>Fit Columns to Contents</source>
        <translation>列幅を内容に合わせる</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>ThirdParty</name>
    <message>
        <source>Application framework, windows, networking, databases, printing and icons</source>
        <translation>アプリケーション基盤、ウィンドウ、通信、データベース、印刷、アイコン</translation>
    </message>
    <message>
        <source>Playing call recordings</source>
        <translation>通話録音の再生</translation>
    </message>
    <message>
        <source>Usage charts</source>
        <translation>使用状況のグラフ</translation>
    </message>
    <message>
        <source>Storing Twilio credentials in the system keychain</source>
        <translation>Twilio 認証情報のシステムキーチェーンへの保存</translation>
    </message>
    <message>
        <source>The embedded database</source>
        <translation>組み込みデータベース</translation>
    </message>
    <message>
        <source>PostgreSQL client, through Qt&apos;s PostgreSQL driver</source>
        <translation>PostgreSQL クライアント (Qt の PostgreSQL ドライバー経由)</translation>
    </message>
    <message>
        <source>TLS for Twilio&apos;s API, through Qt Network</source>
        <translation>Twilio API との TLS 通信 (Qt Network 経由)</translation>
    </message>
    <message>
        <source>Reading phone numbers, and where they are for local presence</source>
        <translation>電話番号の解析と、ローカルプレゼンスのための地域判定</translation>
    </message>
</context>
<context>
    <name>Transaction</name>
    <message>
        <source>The database rolled back the change this one belongs to, after an earlier error. Nothing of it was saved; try again.</source>
        <translation>先に起きたエラーのため、データベースはこの操作を含む変更全体を取り消しました。何も保存されていません。もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>Twilio</name>
    <message>
        <source>&quot;%1&quot; is not a phone number in E.164 form, like +16076956082.</source>
        <translation>&quot;%1&quot; は +16076956082 のような E.164 形式の電話番号ではありません。</translation>
    </message>
    <message>
        <source>%1 is %2: release it after its call ends and it is available again.</source>
        <translation>%1 は%2です。通話が終わって利用可能に戻ってから解放してください。</translation>
    </message>
    <message>
        <source>The purchase of %1 may or may not have gone through (%2), and checking the account failed too (%3). Check the Twilio console before trying again.</source>
        <translation>%1 の購入が完了したかどうか不明です（%2）。アカウントの確認にも失敗しました（%3）。再試行する前に Twilio コンソールを確認してください。</translation>
    </message>
    <message>
        <source>Buying %1 failed twice without a clear answer (%2); the number is not on the account. Try again later.</source>
        <translation>%1 の購入が明確な応答のないまま 2 回失敗しました（%2）。番号はアカウントにありません。しばらくしてからもう一度お試しください。</translation>
    </message>
    <message>
        <source>Check the Account SID and secret of this environment (and that they belong to this region and account, not a subaccount).</source>
        <translation>この環境のアカウント SID とシークレットを確認してください（サブアカウントではなく、このリージョンとアカウントのものであることも確認してください）。</translation>
    </message>
    <message>
        <source>Twilio does not know this resource: it may have been released or belong to another account.</source>
        <translation>Twilio にこのリソースがありません。解放済みか、別のアカウントのものである可能性があります。</translation>
    </message>
    <message>
        <source>The number was taken by someone else after the search: search again and pick another one.</source>
        <translation>検索後にこの番号が他のユーザーに取得されました。再度検索して別の番号を選んでください。</translation>
    </message>
    <message>
        <source>Twilio is rate limiting this account: wait a moment and try again.</source>
        <translation>Twilio がこのアカウントのリクエストを制限しています。しばらく待ってからもう一度お試しください。</translation>
    </message>
    <message>
        <source>Twilio error %1 (HTTP %2): %3</source>
        <translation>Twilio エラー %1（HTTP %2）: %3</translation>
    </message>
    <message>
        <source>Twilio answered HTTP %1: %2</source>
        <translation>Twilio の応答 HTTP %1: %2</translation>
    </message>
    <message>
        <source>More: %1</source>
        <translation>詳細: %1</translation>
    </message>
    <message>
        <source>The number is no longer in the pool.</source>
        <translation>この番号はもうプールにありません。</translation>
    </message>
    <message>
        <source>%1 is already being released (by %2). Wait for that release to finish.</source>
        <translation>%1 はすでに解約処理中です（%2 による）。その解約が終わるまでお待ちください。</translation>
    </message>
    <message>
        <source>%1 was just taken for a call: release it after the call ends and it is available again.</source>
        <translation>%1 はたった今通話に割り当てられました。通話が終わって利用可能に戻ってから解約してください。</translation>
    </message>
</context>
<context>
    <name>Twilio::Api</name>
    <message>
        <source>Twilio sent an empty recording. Try again later; a recording still being processed has no audio yet.</source>
        <translation>Twilio から空の録音が届きました。しばらくしてから再試行してください。処理中の録音にはまだ音声がありません。</translation>
    </message>
</context>
<context>
    <name>TwilioCredentials</name>
    <message>
        <source>account %1 via API key %2</source>
        <translation>アカウント %1（API キー %2 経由）</translation>
    </message>
    <message>
        <source>account %1 with its auth token</source>
        <translation>アカウント %1（認証トークン）</translation>
    </message>
    <message>
        <source>%1 (%2, %3)</source>
        <translation>%1（%2、%3）</translation>
    </message>
    <message>
        <source>TWILIO_ACCOUNT_SID: %1</source>
        <translation>TWILIO_ACCOUNT_SID: %1</translation>
    </message>
    <message>
        <source>POOLDESK_TWILIO_BASE_URL: %1</source>
        <translation>POOLDESK_TWILIO_BASE_URL: %1</translation>
    </message>
    <message>
        <source>TWILIO_API_KEY and TWILIO_API_SECRET go together: set both, or neither.</source>
        <translation>TWILIO_API_KEY と TWILIO_API_SECRET はセットで使用します。両方を設定するか、どちらも設定しないでください。</translation>
    </message>
    <message>
        <source>Environment &quot;%1&quot; has no Twilio Account SID. Set it with `pooldeskctl env set %1 --account-sid AC...` or the TWILIO_ACCOUNT_SID variable.</source>
        <translation>環境 &quot;%1&quot; に Twilio のアカウント SID がありません。`pooldeskctl env set %1 --account-sid AC...` か、環境変数 TWILIO_ACCOUNT_SID で設定してください。</translation>
    </message>
    <message>
        <source>TWILIO_API_KEY: %1</source>
        <translation>TWILIO_API_KEY: %1</translation>
    </message>
    <message>
        <source>No %1 is stored for environment &quot;%2&quot; (account %3). Store it with `pooldeskctl env set-secret %2` (it reads the secret from standard input).</source>
        <translation>環境 &quot;%2&quot;（アカウント %3）の%1が保存されていません。`pooldeskctl env set-secret %2` で保存してください（シークレットは標準入力から読み取ります）。</translation>
    </message>
    <message>
        <source>Environment &quot;%1&quot; points at %2, which is not Twilio&apos;s API, so its credentials are not sent. Set it back with `pooldeskctl env set %1 --api-base-url https://api.twilio.com`.</source>
        <translation>環境「%1」の API アドレス %2 は Twilio の API ではないため、認証情報を送りません。`pooldeskctl env set %1 --api-base-url https://api.twilio.com` で元に戻してください。</translation>
    </message>
</context>
<context>
    <name>UsageSeries</name>
    <message>
        <source>The period must end after it starts.</source>
        <translation>期間の終了は開始より後にしてください。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>PoolDesk console: phone-number pool, companies, calls, usage and costs.</source>
        <translation>PoolDesk コンソール: 電話番号プール、企業、通話、使用状況、コストを管理します。</translation>
    </message>
    <message>
        <source>The pool database: a path, sqlite:PATH or postgresql://user@host:port/db (default: POOLDESK_DB, else the embedded database).</source>
        <translation>プールのデータベース: パス、sqlite:PATH、または postgresql://user@host:port/db（既定: POOLDESK_DB、未設定なら組み込みデータベース）。</translation>
    </message>
    <message>
        <source>The Twilio environment to work on: development or production (default: POOLDESK_ENV, else development).</source>
        <translation>操作する Twilio 環境: development または production（既定: POOLDESK_ENV、未設定なら development）。</translation>
    </message>
    <message>
        <source>PoolDesk cannot start</source>
        <translation>PoolDesk を起動できません</translation>
    </message>
    <message>
        <source>The pool database could not be opened.

%1</source>
        <translation>プールのデータベースを開けませんでした。

%1</translation>
    </message>
    <message>
        <source>Displays version information.</source>
        <translation>バージョン情報を表示します。</translation>
    </message>
    <message>
        <source>Prints what a bug report needs (versions, Qt, system, SQL drivers, keychain) and exits.</source>
        <translation>不具合報告に必要な情報 (バージョン、Qt、システム、SQL ドライバー、キーチェーン) を表示して終了します。</translation>
    </message>
</context>
<context>
    <name>pooldesk-service</name>
    <message>
        <source>usage error: --%1 takes a whole number from %2 to %3 (got &quot;%4&quot;).</source>
        <translation>使い方の誤り: --%1 には %2～%3 の整数を指定してください（指定値 &quot;%4&quot;）。</translation>
    </message>
    <message>
        <source>A path, sqlite:PATH or postgresql://user:pass@host:port/db (env POOLDESK_DB; default %1).</source>
        <translation>パス、sqlite:PATH、または postgresql://user:pass@host:port/db（環境変数 POOLDESK_DB。既定 %1）。</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>The environment whose pool this serves (env POOLDESK_ENV; default development).</source>
        <translation>このサービスが扱うプールの環境（環境変数 POOLDESK_ENV。既定 development）。</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:%1; port 0 picks a free one).</source>
        <translation>待ち受けるアドレスとポート（既定 127.0.0.1:%1。ポート 0 で空きポートを自動選択）。</translation>
    </message>
    <message>
        <source>ADDR:PORT</source>
        <translation>ADDR:PORT</translation>
    </message>
    <message>
        <source>Worker threads (default 1 on SQLite, 4 on PostgreSQL).</source>
        <translation>ワーカースレッド数（既定: SQLite では 1、PostgreSQL では 4）。</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>Requests per second per API key, unless the key sets its own (default %1).</source>
        <translation>API キーごとの 1 秒あたりのリクエスト数（キーに個別の設定がない場合。既定 %1）。</translation>
    </message>
    <message>
        <source>Requests a key may send at once after a quiet spell (default %1).</source>
        <translation>しばらく利用がなかった後に 1 つのキーが一度に送信できるリクエスト数（既定 %1）。</translation>
    </message>
    <message>
        <source>Largest request body in bytes (default %1).</source>
        <translation>リクエスト本文の最大サイズ（バイト）（既定 %1）。</translation>
    </message>
    <message>
        <source>BYTES</source>
        <translation>BYTES</translation>
    </message>
    <message>
        <source>Seconds between sweeps that free numbers whose lease ran out (default %1).</source>
        <translation>リースの期限が切れた番号を解放する処理の間隔（秒）（既定 %1）。</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SECONDS</translation>
    </message>
    <message>
        <source>Where the access log goes: - (standard error, default), off, or a file.</source>
        <translation>アクセスログの出力先: -（標準エラー出力、既定）、off、またはファイル。</translation>
    </message>
    <message>
        <source>TARGET</source>
        <translation>TARGET</translation>
    </message>
    <message>
        <source>Seconds to let requests under way finish after SIGTERM (default %1).</source>
        <translation>SIGTERM 受信後、処理中のリクエストの完了を待つ秒数（既定 %1）。</translation>
    </message>
    <message>
        <source>usage error: unexpected argument &quot;%1&quot;. Run pooldesk-service --help.</source>
        <translation>使い方の誤り: 予期しない引数 &quot;%1&quot; です。pooldesk-service --help を実行してください。</translation>
    </message>
    <message>
        <source>usage error: &quot;%1&quot; is not a valid environment name.</source>
        <translation>使い方の誤り: &quot;%1&quot; は有効な環境名ではありません。</translation>
    </message>
    <message>
        <source>usage error: %1</source>
        <translation>使い方の誤り: %1</translation>
    </message>
    <message>
        <source>usage error: --public-url must start with https:// (got &quot;%1&quot;).</source>
        <translation>使い方の誤り: --public-url は https:// で始めてください（指定値 &quot;%1&quot;）。</translation>
    </message>
    <message>
        <source>signal %1: finishing requests under way, then stopping</source>
        <translation>シグナル %1: 処理中のリクエストを完了してから停止します</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>エラー: %1</translation>
    </message>
    <message>
        <source>warning: the %1 environment&apos;s status callbacks go to %2; this service answers them at /twilio/status, so route that path here.</source>
        <translation>警告: %1 環境のステータスコールバックの送信先は %2 ですが、このサービスは /twilio/status で応答します。そのパスをこのサービスへ転送してください。</translation>
    </message>
    <message>
        <source>warning: the %1 environment authenticates with an API key, but Twilio signs status callbacks with the account&apos;s auth token: set TWILIO_AUTH_TOKEN for the service.</source>
        <translation>警告: %1 環境は API キーで認証していますが、Twilio はステータスコールバックにアカウントの認証トークンで署名します。サービスに TWILIO_AUTH_TOKEN を設定してください。</translation>
    </message>
    <message>
        <source>warning: cannot read the %1 environment&apos;s auth token from the keychain (%2). Set TWILIO_AUTH_TOKEN for the service.</source>
        <translation>警告: %1 環境の認証トークンをキーチェーンから読み取れません（%2）。サービスに TWILIO_AUTH_TOKEN を設定してください。</translation>
    </message>
    <message>
        <source>The webhook base URL Twilio calls, e.g. https://example.ngrok-free.app; Twilio signs &lt;URL&gt;/twilio/status (env POOLDESK_PUBLIC_URL; default the environment&apos;s stored webhook base URL).</source>
        <translation>Twilio が呼び出す Webhook のベース URL（例: https://example.ngrok-free.app）。Twilio は &lt;URL&gt;/twilio/status に署名します（環境変数 POOLDESK_PUBLIC_URL。既定は環境に保存された Webhook のベース URL）。</translation>
    </message>
    <message>
        <source>Run the auto-scaling policy (buy under the threshold, release idle numbers; see the settings) for the environment every SECONDS, with its Twilio credentials. Off by default.</source>
        <translation>環境の自動スケーリングポリシー（しきい値を下回ったら購入、使われていない番号を解約。設定を参照）を、その環境の Twilio 認証情報で SECONDS 秒ごとに実行します。既定では無効です。</translation>
    </message>
    <message>
        <source>warning: no auth token or public URL for Twilio&apos;s status callbacks (set TWILIO_AUTH_TOKEN and --public-url, or store them with pooldeskctl env set / set-secret): they will be refused (503) until both are known.</source>
        <translation>警告: Twilio のステータスコールバック用の認証トークンまたは公開 URL がありません（TWILIO_AUTH_TOKEN と --public-url を設定するか、pooldeskctl env set / set-secret で保存してください）。両方がわかるまで、コールバックは拒否されます（503）。</translation>
    </message>
    <message>
        <source>Seconds a client has to send a whole request, from its first byte (for a connection&apos;s first request, from connecting); then it is answered 408 and closed (default %1).</source>
        <translation>クライアントがリクエスト全体を送るまでの秒数（最初のバイトから。接続の最初のリクエストは接続時から）。超えると 408 を返して切断します（既定 %1）。</translation>
    </message>
    <message>
        <source>Seconds a keep-alive connection may wait for its next request (default %1).</source>
        <translation>キープアライブ接続が次のリクエストを待てる秒数（既定 %1）。</translation>
    </message>
    <message>
        <source>Most client connections open at once; above it new ones are closed at once (default %1). Lowered at start-up when it does not fit below the open-file limit.</source>
        <translation>同時に開けるクライアント接続の最大数。超えた新しい接続はすぐに閉じます（既定 %1）。オープンファイル数の上限に収まらない場合は起動時に下げます。</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>警告: %1</translation>
    </message>
    <message>
        <source>PoolDesk pool service: call backends get and return phone numbers over HTTP (Authorization: Bearer KEY; create keys with pooldeskctl service key create), and Twilio&apos;s status callbacks (POST /twilio/status, signature-checked) release numbers when calls end.

Environment: TWILIO_AUTH_TOKEN (verifies X-Twilio-Signature; under systemd, the twilio-auth-token credential), POOLDESK_PUBLIC_URL, POOLDESK_DB, POOLDESK_ENV. Without TWILIO_AUTH_TOKEN and a public URL, the environment&apos;s stored webhook base URL and auth token (OS keychain) are used.</source>
        <translation>PoolDesk プールサービス: 通話システムは HTTP で電話番号を取得・返却し (Authorization: Bearer キー。キーは pooldeskctl service key create で作成)、Twilio のステータスコールバック (POST /twilio/status、署名を検証) は通話終了時に番号を解放します。

環境変数: TWILIO_AUTH_TOKEN (X-Twilio-Signature の検証用。systemd では資格情報 twilio-auth-token)、POOLDESK_PUBLIC_URL、POOLDESK_DB、POOLDESK_ENV。TWILIO_AUTH_TOKEN と公開 URL がない場合は、環境に保存された Webhook のベース URL と認証トークン (OS のキーチェーン) を使います。</translation>
    </message>
    <message>
        <source>Displays version information.</source>
        <translation>バージョン情報を表示します。</translation>
    </message>
    <message>
        <source>Prints what a bug report needs (versions, Qt, system, SQL drivers, keychain) and exits.</source>
        <translation>不具合報告に必要な情報 (バージョン、Qt、システム、SQL ドライバー、キーチェーン) を表示して終了します。</translation>
    </message>
    <message>
        <source>Sign audit checkpoints as the settings ask (every %1 entries or %2 minutes by default) and write each into this folder, kept outside the database. Off by default.</source>
        <translation>設定に従って監査チェックポイントに署名し (既定では %1 件または %2 分ごと)、データベースの外にあるこのフォルダーにそれぞれ書き込みます。既定ではオフです。</translation>
    </message>
    <message>
        <source>FOLDER</source>
        <translation>FOLDER</translation>
    </message>
</context>
<context>
    <name>pooldeskctl</name>
    <message>
        <source>The company placing the call.</source>
        <translation>発信する企業。</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>The operator placing the call.</source>
        <translation>発信する担当者。</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>A session ID unique to this call.</source>
        <translation>この通話に固有のセッション ID。</translation>
    </message>
    <message>
        <source>Lease in seconds (default: the pool&apos;s setting).</source>
        <translation>リース期間（秒）（既定: プールの設定）。</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SECONDS</translation>
    </message>
    <message>
        <source>--ttl takes a whole number of seconds of at least 1.</source>
        <translation>--ttl には 1 以上の整数の秒数を指定してください。</translation>
    </message>
    <message>
        <source>The session that holds the number.</source>
        <translation>番号を保持しているセッション。</translation>
    </message>
    <message>
        <source>How long the call lasted, in seconds (default 0).</source>
        <translation>通話時間（秒）（既定 0）。</translation>
    </message>
    <message>
        <source>outbound (default) or inbound.</source>
        <translation>outbound（発信、既定）または inbound（着信）。</translation>
    </message>
    <message>
        <source>DIRECTION</source>
        <translation>DIRECTION</translation>
    </message>
    <message>
        <source>Twilio&apos;s CallSid, when known.</source>
        <translation>Twilio の CallSid（わかっている場合）。</translation>
    </message>
    <message>
        <source>SID</source>
        <translation>SID</translation>
    </message>
    <message>
        <source>--duration takes a whole number of seconds, 0 or more (got &quot;%1&quot;).</source>
        <translation>--duration には 0 以上の整数の秒数を指定してください（指定値 &quot;%1&quot;）。</translation>
    </message>
    <message>
        <source>--direction must be outbound or inbound.</source>
        <translation>--direction には outbound または inbound を指定してください。</translation>
    </message>
    <message>
        <source>The session %1 was already released; nothing changed.</source>
        <translation>セッション %1 はすでに解放されています。何も変更していません。</translation>
    </message>
    <message>
        <source>Released %1: %2 billed minutes, estimated %3.</source>
        <translation>%1 を解放しました: 課金対象 %2 分、見積額 %3。</translation>
    </message>
    <message>
        <source>New lease in seconds from now.</source>
        <translation>現在からの新しいリース期間（秒）。</translation>
    </message>
    <message>
        <source>Lease extended until %1.</source>
        <translation>リースを %1 まで延長しました。</translation>
    </message>
    <message>
        <source>take a number from the pool for one call</source>
        <translation>1 件の通話用にプールから番号を割り当てる</translation>
    </message>
    <message>
        <source>give a number back when the call ends</source>
        <translation>通話終了時に番号を解放する</translation>
    </message>
    <message>
        <source>extend the lease of a long call</source>
        <translation>長い通話のリースを延長する</translation>
    </message>
    <message>
        <source>refused (%1): %2</source>
        <translation>拒否されました（%1）: %2</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>エラー: %1</translation>
    </message>
    <message>
        <source>usage error: %1</source>
        <translation>使い方の誤り: %1</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>このヘルプを表示します。</translation>
    </message>
    <message>
        <source>--%1 takes a whole number of at least %2, or &quot;none&quot; (got &quot;%3&quot;).</source>
        <translation>--%1 には %2 以上の整数、または &quot;none&quot; を指定してください（指定値 &quot;%3&quot;）。</translation>
    </message>
    <message>
        <source>--%1 takes an amount in US dollars such as 150 or 1.15, or &quot;none&quot; (got &quot;%2&quot;).</source>
        <translation>--%1 には 150 や 1.15 のような米ドルの金額、または &quot;none&quot; を指定してください（指定値 &quot;%2&quot;）。</translation>
    </message>
    <message>
        <source>Most calls at once (or &quot;none&quot;).</source>
        <translation>最大同時通話数（または &quot;none&quot;）。</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>Billed minutes per month (or &quot;none&quot;).</source>
        <translation>月あたりの課金対象分数（または &quot;none&quot;）。</translation>
    </message>
    <message>
        <source>Call spending per month in USD (or &quot;none&quot;).</source>
        <translation>月あたりの通話料金（USD）（または &quot;none&quot;）。</translation>
    </message>
    <message>
        <source>USD</source>
        <translation>USD</translation>
    </message>
    <message>
        <source>none</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <source>The company&apos;s name.</source>
        <translation>企業名。</translation>
    </message>
    <message>
        <source>standard, enterprise or hybrid.</source>
        <translation>standard（スタンダード）、enterprise（エンタープライズ）、hybrid（ハイブリッド）のいずれか。</translation>
    </message>
    <message>
        <source>PLAN</source>
        <translation>プラン</translation>
    </message>
    <message>
        <source>pooldeskctl company add NAME --plan standard|enterprise|hybrid [limits]</source>
        <translation>pooldeskctl company add NAME --plan standard|enterprise|hybrid [制限]</translation>
    </message>
    <message>
        <source>--plan is required: standard, enterprise or hybrid.</source>
        <translation>--plan は必須です: standard、enterprise、hybrid のいずれかを指定してください。</translation>
    </message>
    <message>
        <source>--plan must be standard, enterprise or hybrid (got &quot;%1&quot;).</source>
        <translation>--plan には standard、enterprise、hybrid のいずれかを指定してください（指定値 &quot;%1&quot;）。</translation>
    </message>
    <message>
        <source>Added %1 (%2).</source>
        <translation>%1 を追加しました（%2）。</translation>
    </message>
    <message>
        <source>COMPANY</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>MAX CONCURRENT</source>
        <translation>最大同時通話</translation>
    </message>
    <message>
        <source>MONTHLY MINUTES</source>
        <translation>月間通話分数</translation>
    </message>
    <message>
        <source>MONTHLY BUDGET</source>
        <translation>月間予算</translation>
    </message>
    <message>
        <source>Limits of %1 updated.</source>
        <translation>%1 の制限を更新しました。</translation>
    </message>
    <message>
        <source>pooldeskctl company add|list|set-limits ...</source>
        <translation>pooldeskctl company add|list|set-limits ...</translation>
    </message>
    <message>
        <source>add, list companies and set their limits</source>
        <translation>企業の追加、一覧表示、制限の設定</translation>
    </message>
    <message>
        <source>pooldeskctl db migrate</source>
        <translation>pooldeskctl db migrate</translation>
    </message>
    <message>
        <source>Database %1 is at schema version %2.</source>
        <translation>データベース %1 のスキーマバージョンは %2 です。</translation>
    </message>
    <message>
        <source>Days of call history to create (default 90).</source>
        <translation>作成する通話履歴の日数（既定 90）。</translation>
    </message>
    <message>
        <source>--days takes a whole number from 1 to 3650.</source>
        <translation>--days には 1～3650 の整数を指定してください。</translation>
    </message>
    <message>
        <source>Creating the demo workspace: %1%</source>
        <translation>デモワークスペースを作成しています: %1%</translation>
    </message>
    <message>
        <source>db migrate: create or upgrade the database schema</source>
        <translation>db migrate: データベースのスキーマを作成またはアップグレードする</translation>
    </message>
    <message>
        <source>create the demo workspace in an empty database</source>
        <translation>空のデータベースにデモワークスペースを作成する</translation>
    </message>
    <message>
        <source>The system keychain did not answer in time.</source>
        <translation>システムのキーチェーンが時間内に応答しませんでした。</translation>
    </message>
    <message>
        <source>Twilio environments: list, set, set-secret, test</source>
        <translation>Twilio 環境: list、set、set-secret、test</translation>
    </message>
    <message>
        <source>Usage: pooldeskctl [--db URL] [--env NAME] [--json] COMMAND [ARGS...]</source>
        <translation>使い方: pooldeskctl [--db URL] [--env NAME] [--json] COMMAND [ARGS...]</translation>
    </message>
    <message>
        <source>Global options:</source>
        <translation>共通オプション:</translation>
    </message>
    <message>
        <source>a path, sqlite:PATH or postgresql://user:pass@host:port/db (env POOLDESK_DB; default: %1)</source>
        <translation>パス、sqlite:PATH、または postgresql://user:pass@host:port/db（環境変数 POOLDESK_DB。既定: %1）</translation>
    </message>
    <message>
        <source>development or production (env POOLDESK_ENV; default development)</source>
        <translation>development または production（環境変数 POOLDESK_ENV。既定 development）</translation>
    </message>
    <message>
        <source>machine-readable output</source>
        <translation>機械可読な形式で出力</translation>
    </message>
    <message>
        <source>Commands (add --help after a command for its options):</source>
        <translation>コマンド（コマンドの後に --help を付けるとオプションを表示します）:</translation>
    </message>
    <message>
        <source>Exit codes: 0 success, 1 failure, 2 usage error or bad input, 3 refused (limit reached, pool exhausted, unknown session).</source>
        <translation>終了コード: 0 成功、1 失敗、2 使い方の誤りまたは不正な入力、3 拒否（上限に到達、プールの番号不足、不明なセッション）。</translation>
    </message>
    <message>
        <source>usage error: %1 needs a value.</source>
        <translation>使い方の誤り: %1 には値が必要です。</translation>
    </message>
    <message>
        <source>usage error: &quot;%1&quot; is not a valid environment name.</source>
        <translation>使い方の誤り: &quot;%1&quot; は有効な環境名ではありません。</translation>
    </message>
    <message>
        <source>usage error: unknown command &quot;%1&quot;. Run pooldeskctl --help for the list.</source>
        <translation>使い方の誤り: 不明なコマンド &quot;%1&quot; です。pooldeskctl --help でコマンドの一覧を確認してください。</translation>
    </message>
    <message>
        <source>The number in E.164 form, like +16076956082.</source>
        <translation>+16076956082 のような E.164 形式の番号。</translation>
    </message>
    <message>
        <source>Dedicate the number to this company.</source>
        <translation>この番号をこの企業の専用番号にします。</translation>
    </message>
    <message>
        <source>Twilio&apos;s phone number SID (PN...).</source>
        <translation>Twilio の電話番号 SID（PN...）。</translation>
    </message>
    <message>
        <source>Monthly rental in USD (default: the tariff).</source>
        <translation>月額料金（USD）（既定: 料金表の値）。</translation>
    </message>
    <message>
        <source>pooldeskctl number add E164 [--dedicated COMPANY] [--sid PN...] [--monthly-price USD]</source>
        <translation>pooldeskctl number add E164 [--dedicated COMPANY] [--sid PN...] [--monthly-price USD]</translation>
    </message>
    <message>
        <source>--monthly-price takes an amount in US dollars.</source>
        <translation>--monthly-price には米ドルの金額を指定してください。</translation>
    </message>
    <message>
        <source>Added %1 to the %2 pool as a shared number.</source>
        <translation>%1 を共有番号として %2 プールに追加しました。</translation>
    </message>
    <message>
        <source>Added %1 to the %2 pool, dedicated to %3.</source>
        <translation>%1 を %3 の専用番号として %2 プールに追加しました。</translation>
    </message>
    <message>
        <source>List the numbers of every environment.</source>
        <translation>すべての環境の番号を一覧表示します。</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>共有</translation>
    </message>
    <message>
        <source>dedicated: %1</source>
        <translation>専用: %1</translation>
    </message>
    <message>
        <source>NUMBER</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>ENVIRONMENT</source>
        <translation>環境</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>CALLS</source>
        <translation>通話数</translation>
    </message>
    <message>
        <source>MINUTES</source>
        <translation>通話分数</translation>
    </message>
    <message>
        <source>MONTHLY</source>
        <translation>月額</translation>
    </message>
    <message>
        <source>pooldeskctl number %1 E164</source>
        <translation>pooldeskctl number %1 E164</translation>
    </message>
    <message>
        <source>Removed %1 from the %2 pool.</source>
        <translation>%1 を %2 プールから削除しました。</translation>
    </message>
    <message>
        <source>%1 is now a shared number.</source>
        <translation>%1 を共有番号にしました。</translation>
    </message>
    <message>
        <source>The company the number is dedicated to.</source>
        <translation>番号を専用にする企業。</translation>
    </message>
    <message>
        <source>pooldeskctl number assign E164 --company NAME</source>
        <translation>pooldeskctl number assign E164 --company NAME</translation>
    </message>
    <message>
        <source>%1 is now dedicated to %2.</source>
        <translation>%1 を %2 の専用番号にしました。</translation>
    </message>
    <message>
        <source>add, list, remove numbers; dedicate them to a company</source>
        <translation>番号の追加、一覧表示、削除、企業専用番号の割り当て</translation>
    </message>
    <message numerus="yes">
        <source>%n expired lease(s) freed.</source>
        <translation>
            <numerusform>期限切れのリースを %n 件解放しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>pooldeskctl pool status | pool reap</source>
        <translation>pooldeskctl pool status | pool reap</translation>
    </message>
    <message>
        <source>  shared numbers available: %1 (threshold %2)%3</source>
        <translation>  利用可能な共有番号: %1（しきい値 %2）%3</translation>
    </message>
    <message>
        <source> - BELOW THRESHOLD</source>
        <translation> - しきい値を下回っています</translation>
    </message>
    <message>
        <source>DEDICATED</source>
        <translation>専用</translation>
    </message>
    <message>
        <source>Offered traffic in the busiest hour (calls/hour x hours/call).</source>
        <translation>最繁時の呼量（通話数/時 × 時間/通話）。</translation>
    </message>
    <message>
        <source>E</source>
        <translation>E</translation>
    </message>
    <message>
        <source>Target blocking probability (default 0.01).</source>
        <translation>目標呼損率（既定 0.01）。</translation>
    </message>
    <message>
        <source>P</source>
        <translation>P</translation>
    </message>
    <message>
        <source>--erlangs takes the offered traffic, a number above 0 (like 10 or 2.5).</source>
        <translation>--erlangs には呼量として 0 より大きい数値（10 や 2.5 など）を指定してください。</translation>
    </message>
    <message>
        <source>--blocking takes a probability between 0 and 1 (like 0.01 for 1%).</source>
        <translation>--blocking には 0～1 の確率を指定してください（1% なら 0.01）。</translation>
    </message>
    <message>
        <source>pool status: counts by status and per company; pool reap</source>
        <translation>pool status: 状態別・企業別の番号数、pool reap</translation>
    </message>
    <message>
        <source>recommended pool size for a traffic (Erlang B)</source>
        <translation>呼量に対する推奨プールサイズ（アーラン B 式）</translation>
    </message>
    <message>
        <source>Cost and call reports (text, --json or CSV)</source>
        <translation>コストと通話のレポート（テキスト、--json、CSV）</translation>
    </message>
    <message>
        <source>API keys of the pool service (pooldesk-service)</source>
        <translation>プールサービス（pooldesk-service）の API キー</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未設定）</translation>
    </message>
    <message>
        <source>API key %1</source>
        <translation>API キー %1</translation>
    </message>
    <message>
        <source>auth token</source>
        <translation>認証トークン</translation>
    </message>
    <message>
        <source>ACCOUNT SID</source>
        <translation>アカウント SID</translation>
    </message>
    <message>
        <source>CREDENTIAL</source>
        <translation>認証情報</translation>
    </message>
    <message>
        <source>API BASE URL</source>
        <translation>API ベース URL</translation>
    </message>
    <message>
        <source>WEBHOOK BASE URL</source>
        <translation>Webhook ベース URL</translation>
    </message>
    <message>
        <source>* active (--env or POOLDESK_ENV). Secrets are in the system keychain, service &quot;%1&quot;.</source>
        <translation>* は使用中の環境です（--env または POOLDESK_ENV）。シークレットはシステムのキーチェーン（サービス &quot;%1&quot;）に保存されています。</translation>
    </message>
    <message>
        <source>The environment, e.g. development or production.</source>
        <translation>環境（development、production など）。</translation>
    </message>
    <message>
        <source>The Twilio Account SID (AC...).</source>
        <translation>Twilio のアカウント SID（AC...）。</translation>
    </message>
    <message>
        <source>Authenticate with this API key (SK...), as Twilio recommends; &quot;none&quot; switches back to the auth token.</source>
        <translation>Twilio の推奨どおり、この API キー（SK...）で認証します。&quot;none&quot; を指定すると認証トークンに戻します。</translation>
    </message>
    <message>
        <source>Twilio&apos;s API address (default https://api.twilio.com; regional hosts allowed).</source>
        <translation>Twilio API のアドレス（既定 https://api.twilio.com。リージョンのホストも指定可）。</translation>
    </message>
    <message>
        <source>The public address Twilio calls back (ngrok in development, the deployed app in production).</source>
        <translation>Twilio がコールバックする公開アドレス（開発環境では ngrok、本番環境ではデプロイ済みのアプリ）。</translation>
    </message>
    <message>
        <source>Path of the voice webhook (default /twilio/voice).</source>
        <translation>音声 Webhook のパス（既定 /twilio/voice）。</translation>
    </message>
    <message>
        <source>Path of the status callback (default /twilio/status).</source>
        <translation>ステータスコールバックのパス（既定 /twilio/status）。</translation>
    </message>
    <message>
        <source>pooldeskctl env set NAME [--account-sid AC...] [--api-key-sid SK...] [--api-base-url URL] [--webhook-base-url URL]</source>
        <translation>pooldeskctl env set NAME [--account-sid AC...] [--api-key-sid SK...] [--api-base-url URL] [--webhook-base-url URL]</translation>
    </message>
    <message>
        <source>Environment %1 saved.</source>
        <translation>環境 %1 を保存しました。</translation>
    </message>
    <message>
        <source>The environment.</source>
        <translation>環境。</translation>
    </message>
    <message>
        <source>pooldeskctl env forget-secret NAME</source>
        <translation>pooldeskctl env forget-secret NAME</translation>
    </message>
    <message>
        <source>pooldeskctl env set-secret NAME   (the secret is read from standard input, never from an argument)</source>
        <translation>pooldeskctl env set-secret NAME   （シークレットは引数ではなく標準入力から読み取ります）</translation>
    </message>
    <message>
        <source>Set the Account SID first: pooldeskctl env set %1 --account-sid AC...</source>
        <translation>先にアカウント SID を設定してください: pooldeskctl env set %1 --account-sid AC...</translation>
    </message>
    <message>
        <source>%1 for %2 (%3): </source>
        <translation>%2（%3）の%1: </translation>
    </message>
    <message>
        <source>No secret was given on standard input; nothing was stored.</source>
        <translation>標準入力からシークレットが渡されなかったため、何も保存していません。</translation>
    </message>
    <message>
        <source>The %1 of %2 was removed from the system keychain.</source>
        <translation>%2 の%1をシステムのキーチェーンから削除しました。</translation>
    </message>
    <message>
        <source>The %1 of %2 is stored in the system keychain (service &quot;%3&quot;, key &quot;%4&quot;).</source>
        <translation>%2 の%1をシステムのキーチェーンに保存しました（サービス &quot;%3&quot;、キー &quot;%4&quot;）。</translation>
    </message>
    <message>
        <source>The environment (default: --env).</source>
        <translation>環境（既定: --env）。</translation>
    </message>
    <message>
        <source>Connection OK: %1 &quot;%2&quot; (%3, %4) using %5</source>
        <translation>接続に成功しました: %1 &quot;%2&quot;（%3、%4）、%5 を使用</translation>
    </message>
    <message>
        <source>pooldeskctl env list | set NAME [options] | set-secret NAME | forget-secret NAME | test [NAME]</source>
        <translation>pooldeskctl env list | set NAME [オプション] | set-secret NAME | forget-secret NAME | test [NAME]</translation>
    </message>
    <message>
        <source>Cannot write to standard output.</source>
        <translation>標準出力に書き込めません。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Check the folder exists and is writable.</source>
        <translation>%1 に書き込めません: %2。フォルダーが存在し、書き込み可能か確認してください。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2.</source>
        <translation>%1 に書き込めません: %2。</translation>
    </message>
    <message>
        <source>YYYY-MM</source>
        <translation>YYYY-MM</translation>
    </message>
    <message>
        <source>Also write the per-company table as CSV to FILE (- for stdout).</source>
        <translation>企業別の表を CSV として FILE にも書き出します（- で標準出力）。</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FILE</translation>
    </message>
    <message>
        <source>Write the per-number table as CSV to FILE.</source>
        <translation>番号別の表を CSV として FILE に書き出します。</translation>
    </message>
    <message>
        <source>Start CSV files with a byte-order mark (for Excel).</source>
        <translation>CSV ファイルの先頭に BOM（バイトオーダーマーク）を付けます（Excel 用）。</translation>
    </message>
    <message>
        <source>Blocking target for the pool-size advice (default 0.01).</source>
        <translation>プールサイズの提案に使う目標呼損率（既定 0.01）。</translation>
    </message>
    <message>
        <source>--blocking takes a probability between 0 and 1, for example 0.01.</source>
        <translation>--blocking には 0～1 の確率を指定してください（例: 0.01）。</translation>
    </message>
    <message>
        <source>(unallocated shared rental)</source>
        <translation>（未配分の共有番号料金）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>Dedicated rental</source>
        <translation>専用番号の月額料金</translation>
    </message>
    <message>
        <source>Shared rental share</source>
        <translation>共有番号料金の負担額</translation>
    </message>
    <message>
        <source>Outbound</source>
        <translation>発信</translation>
    </message>
    <message>
        <source>Inbound</source>
        <translation>着信</translation>
    </message>
    <message>
        <source>Savings advice:</source>
        <translation>コスト削減の提案:</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 を書き出しました</translation>
    </message>
    <message>
        <source>Only this company&apos;s calls.</source>
        <translation>この企業の通話のみ。</translation>
    </message>
    <message>
        <source>Only calls of this number (E.164).</source>
        <translation>この番号（E.164）の通話のみ。</translation>
    </message>
    <message>
        <source>E164</source>
        <translation>E164</translation>
    </message>
    <message>
        <source>Only this operator&apos;s calls.</source>
        <translation>この担当者の通話のみ。</translation>
    </message>
    <message>
        <source>outbound or inbound.</source>
        <translation>outbound（発信）または inbound（着信）。</translation>
    </message>
    <message>
        <source>DATE</source>
        <translation>DATE</translation>
    </message>
    <message>
        <source>Calls started on or before DATE (YYYY-MM-DD, the whole day).</source>
        <translation>DATE 以前に開始した通話（YYYY-MM-DD、その日を含む）。</translation>
    </message>
    <message>
        <source>Include every environment, not only --env&apos;s.</source>
        <translation>--env の環境だけでなく、すべての環境を含めます。</translation>
    </message>
    <message>
        <source>Write every matching call as CSV to FILE (- for stdout).</source>
        <translation>条件に合うすべての通話を CSV として FILE に書き出します（- で標準出力）。</translation>
    </message>
    <message>
        <source>Start the CSV with a byte-order mark (for Excel).</source>
        <translation>CSV の先頭に BOM（バイトオーダーマーク）を付けます（Excel 用）。</translation>
    </message>
    <message>
        <source>How many of the newest calls to list (default 20).</source>
        <translation>表示する最新の通話の件数（既定 20）。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a phone number in E.164 form, like +16076956082.</source>
        <translation>&quot;%1&quot; は +16076956082 のような E.164 形式の電話番号ではありません。</translation>
    </message>
    <message>
        <source>--direction is outbound or inbound.</source>
        <translation>--direction には outbound または inbound を指定してください。</translation>
    </message>
    <message>
        <source>--%1 takes a date like 2026-03-01.</source>
        <translation>--%1 には 2026-03-01 のような日付を指定してください。</translation>
    </message>
    <message>
        <source>--from must be before --to.</source>
        <translation>--from は --to より前の日付にしてください。</translation>
    </message>
    <message>
        <source>--limit takes a number from 0 to 100000.</source>
        <translation>--limit には 0～100000 の数値を指定してください。</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始日時</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>担当者</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Seconds</source>
        <translation>秒数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>コスト</translation>
    </message>
    <message>
        <source>Scope the key to this company: it may allocate only for it.</source>
        <translation>キーをこの企業に限定します。この企業の番号割り当てにのみ使用できます。</translation>
    </message>
    <message>
        <source>A name to recognise the key by (default: the company, or &quot;backend&quot;).</source>
        <translation>キーを識別するための名前（既定: 企業名、または &quot;backend&quot;）。</translation>
    </message>
    <message>
        <source>Requests per second for this key (default: the service&apos;s limit).</source>
        <translation>このキーの 1 秒あたりのリクエスト数（既定: サービスの上限）。</translation>
    </message>
    <message>
        <source>Requests at once after a quiet spell (default: the service&apos;s).</source>
        <translation>しばらく利用がなかった後に一度に受け付けるリクエスト数（既定: サービスの設定）。</translation>
    </message>
    <message>
        <source>pooldeskctl service key create [--company NAME] [--name NAME] [--rate N] [--burst N]</source>
        <translation>pooldeskctl service key create [--company NAME] [--name NAME] [--rate N] [--burst N]</translation>
    </message>
    <message>
        <source>Created API key %1 (%2%3). This is the only time the key is shown: store it in the call backend&apos;s secrets now. Send it as &quot;Authorization: Bearer KEY&quot;.</source>
        <translation>API キー %1（%2%3）を作成しました。キーが表示されるのはこの 1 回だけです。今すぐ通話バックエンドのシークレットに保存してください。&quot;Authorization: Bearer KEY&quot; の形式で送信します。</translation>
    </message>
    <message>
        <source>, only for %1</source>
        <translation>、%1 専用</translation>
    </message>
    <message>
        <source>Include revoked keys.</source>
        <translation>失効したキーも含めます。</translation>
    </message>
    <message>
        <source>(any)</source>
        <translation>（すべて）</translation>
    </message>
    <message>
        <source>default</source>
        <translation>既定</translation>
    </message>
    <message>
        <source>never</source>
        <translation>未使用</translation>
    </message>
    <message>
        <source>revoked %1</source>
        <translation>失効（%1）</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>KEY</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>RATE/S</source>
        <translation>レート/秒</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>LAST USED</source>
        <translation>最終使用日時</translation>
    </message>
    <message>
        <source>STATE</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>The key&apos;s ID (see pooldeskctl service key list).</source>
        <translation>キーの ID（pooldeskctl service key list で確認できます）。</translation>
    </message>
    <message>
        <source>pooldeskctl service key revoke ID (a number from pooldeskctl service key list)</source>
        <translation>pooldeskctl service key revoke ID（pooldeskctl service key list に表示される番号）</translation>
    </message>
    <message>
        <source>Revoked API key %1 (%2). Requests with it are refused from now on.</source>
        <translation>API キー %1（%2）を失効させました。今後このキーによるリクエストは拒否されます。</translation>
    </message>
    <message>
        <source>pooldeskctl service key create [--company NAME] | key list [--all] | key revoke ID</source>
        <translation>pooldeskctl service key create [--company NAME] | key list [--all] | key revoke ID</translation>
    </message>
    <message>
        <source>Imported the %1 numbers: %2 added, %3 updated, %4 unchanged, %5 back on the account, %6 missing from Twilio.</source>
        <translation>%1 の番号をインポートしました: 追加 %2 件、更新 %3 件、変更なし %4 件、アカウントに復帰 %5 件、Twilio に存在しない番号 %6 件。</translation>
    </message>
    <message>
        <source>(no longer on the Twilio account: flagged, not deleted)</source>
        <translation>（Twilio アカウントに存在しません。削除せずにマークしています）</translation>
    </message>
    <message>
        <source>ISO country code (default: the pool&apos;s country, US).</source>
        <translation>ISO 国コード（既定: プールの国、US）。</translation>
    </message>
    <message>
        <source>Area code to search in.</source>
        <translation>検索する市外局番。</translation>
    </message>
    <message>
        <source>Digits the number contains.</source>
        <translation>番号に含まれる数字。</translation>
    </message>
    <message>
        <source>Toll-free numbers instead of local ones.</source>
        <translation>地域番号ではなくフリーダイヤル番号を検索します。</translation>
    </message>
    <message>
        <source>At most this many results (default 20).</source>
        <translation>結果の最大件数（既定 20）。</translation>
    </message>
    <message>
        <source>--country takes a two-letter code such as US or JP.</source>
        <translation>--country には US や JP のような 2 文字のコードを指定してください。</translation>
    </message>
    <message>
        <source>--area-code takes digits only, like 607.</source>
        <translation>--area-code には 607 のように数字のみを指定してください。</translation>
    </message>
    <message>
        <source>--contains takes digits (and * as a wildcard).</source>
        <translation>--contains には数字を指定してください（* はワイルドカード）。</translation>
    </message>
    <message>
        <source>--limit takes a number from 1 to 1000.</source>
        <translation>--limit には 1～1000 の数値を指定してください。</translation>
    </message>
    <message>
        <source>LOCALITY</source>
        <translation>地域</translation>
    </message>
    <message>
        <source>REGION</source>
        <translation>州・地方</translation>
    </message>
    <message>
        <source>No numbers match; try another area code or drop --contains.</source>
        <translation>条件に合う番号がありません。別の市外局番を試すか、--contains を外してください。</translation>
    </message>
    <message>
        <source>The number to buy, in E.164 form.</source>
        <translation>購入する番号（E.164 形式）。</translation>
    </message>
    <message>
        <source>Do not ask for confirmation of the price.</source>
        <translation>料金の確認を求めません。</translation>
    </message>
    <message>
        <source>No number is available for that search; try another area code.</source>
        <translation>この検索条件で購入できる番号がありません。別の市外局番を試してください。</translation>
    </message>
    <message>
        <source>Buy %1 for the %2 environment at %3 a month (%4 prices)?</source>
        <translation>%1 を %2 環境用に月額 %3 で購入しますか？（料金: %4）</translation>
    </message>
    <message>
        <source>Not bought: not confirmed.</source>
        <translation>確認されなかったため、購入していません。</translation>
    </message>
    <message>
        <source>%1 was taken by someone else meanwhile.</source>
        <translation>%1 はその間に他のユーザーに取得されました。</translation>
    </message>
    <message>
        <source>Bought %1 (%2) for the %3 pool at %4 a month.</source>
        <translation>%1（%2）を %3 プール用に月額 %4 で購入しました。</translation>
    </message>
    <message>
        <source>Every candidate was taken meanwhile; search again later.</source>
        <translation>候補の番号はすべてその間に取得されました。しばらくしてから再度検索してください。</translation>
    </message>
    <message>
        <source>The number to release, in E.164 form.</source>
        <translation>解放する番号（E.164 形式）。</translation>
    </message>
    <message>
        <source>Do not ask for confirmation.</source>
        <translation>確認を求めません。</translation>
    </message>
    <message>
        <source>pooldeskctl twilio release E164 [--yes]</source>
        <translation>pooldeskctl twilio release E164 [--yes]</translation>
    </message>
    <message>
        <source>Release %1 from the %2 Twilio account? A released number cannot be recovered: Twilio may give it to someone else.</source>
        <translation>%1 を %2 の Twilio アカウントから解放しますか？解放した番号は元に戻せません。Twilio が他のユーザーに割り当てる可能性があります。</translation>
    </message>
    <message>
        <source>Not released: not confirmed.</source>
        <translation>確認されなかったため、解放していません。</translation>
    </message>
    <message>
        <source>%1 was no longer on the Twilio account; removed it from the pool.</source>
        <translation>%1 はすでに Twilio アカウントにありませんでした。プールから削除しました。</translation>
    </message>
    <message>
        <source>Released %1 and removed it from the pool. This cannot be undone.</source>
        <translation>%1 を解放し、プールから削除しました。この操作は元に戻せません。</translation>
    </message>
    <message>
        <source>Only show what would change.</source>
        <translation>変更内容の表示のみ行います。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>DRIFT: points at %1</source>
        <translation>不一致: %1 を指しています</translation>
    </message>
    <message>
        <source>VOICE URL NOW</source>
        <translation>現在の音声 URL</translation>
    </message>
    <message>
        <source>WANTED</source>
        <translation>設定すべき URL</translation>
    </message>
    <message>
        <source>First day to sync (YYYY-MM-DD; default: since the last sync).</source>
        <translation>同期を開始する日（YYYY-MM-DD。既定: 前回の同期以降）。</translation>
    </message>
    <message>
        <source>--since takes a date like 2026-11-01.</source>
        <translation>--since には 2026-11-01 のような日付を指定してください。</translation>
    </message>
    <message>
        <source>ISO country code (default US).</source>
        <translation>ISO 国コード（既定 US）。</translation>
    </message>
    <message>
        <source>%1 prices from Twilio: number %2/month, outbound %3/min, inbound %4/min.</source>
        <translation>Twilio の %1 の料金: 番号 %2/月、発信 %3/分、着信 %4/分。</translation>
    </message>
    <message>
        <source>To buy: %1</source>
        <translation>購入数: %1</translation>
    </message>
    <message>
        <source>limited by %1</source>
        <translation>%1による制限</translation>
    </message>
    <message>
        <source> (due for release now)</source>
        <translation> (今すぐ解放対象)</translation>
    </message>
    <message>
        <source>Apply the plan? Released numbers cannot be recovered.</source>
        <translation>計画を実行しますか？解放した番号は元に戻せません。</translation>
    </message>
    <message>
        <source>Apply the plan?</source>
        <translation>計画を実行しますか？</translation>
    </message>
    <message>
        <source>Nothing changed: not confirmed.</source>
        <translation>確認されなかったため、何も変更していません。</translation>
    </message>
    <message>
        <source>Bought %1, released %2, proposed for release %3.</source>
        <translation>購入 %1 件、解放 %2 件、解放の提案 %3 件。</translation>
    </message>
    <message>
        <source>being released</source>
        <translation>解約処理中</translation>
    </message>
    <message>
        <source>No interrupted release among the %1 numbers.</source>
        <translation>%1 の番号に中断された解約はありません。</translation>
    </message>
    <message numerus="yes">
        <source>Settled %n interrupted release(s) of %1 numbers: %2 finished (gone from Twilio, removed from the pool), %3 undone (still on the account, available again).</source>
        <translation>
            <numerusform>%1 の番号で中断された解約 %n 件を処理しました: %2 件は完了（Twilio から削除済み、プールから除外）、%3 件は取り消し（アカウントに残っており、再び利用可能）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n release(s) began less than %1 minutes ago and may still be under way; settle them later.</source>
        <translation>
            <numerusform>%n 件の解約は開始から %1 分未満で、まだ処理中の可能性があります。後でもう一度実行してください。</numerusform>
        </translation>
    </message>
    <message>
        <source>pooldeskctl [--env NAME] twilio import | search | buy | release | webhooks [--dry-run] | sync-calls [--since DATE] | prices --country CC | autoscale [--apply] | settle-releases</source>
        <translation>pooldeskctl [--env NAME] twilio import | search | buy | release | webhooks [--dry-run] | sync-calls [--since DATE] | prices --country CC | autoscale [--apply] | settle-releases</translation>
    </message>
    <message>
        <source>Twilio: import, search, buy, release, webhooks, sync-calls, prices, autoscale, settle-releases</source>
        <translation>Twilio: import、search、buy、release、webhooks、sync-calls、prices、autoscale、settle-releases</translation>
    </message>
    <message>
        <source>The company whose session it is (when more than one company uses the name).</source>
        <translation>セッションが属する企業（同じ名前を複数の企業が使っているとき）。</translation>
    </message>
    <message>
        <source>pooldeskctl release --session ID [--company NAME] [--duration SECONDS] [--direction outbound|inbound]</source>
        <translation>pooldeskctl release --session ID [--company 名前] [--duration 秒] [--direction outbound|inbound]</translation>
    </message>
    <message>
        <source>pooldeskctl renew --session ID [--company NAME] [--ttl SECONDS]</source>
        <translation>pooldeskctl renew --session ID [--company 名前] [--ttl 秒]</translation>
    </message>
    <message>
        <source>ROLE</source>
        <translation>ロール</translation>
    </message>
    <message>
        <source>A company the manager manages (repeat for more).</source>
        <translation>マネージャーが担当する企業（複数なら繰り返し指定）。</translation>
    </message>
    <message>
        <source>The person&apos;s database login.</source>
        <translation>その人のデータベースのログイン名。</translation>
    </message>
    <message>
        <source>Read the new login&apos;s password from standard input (one line).</source>
        <translation>新しいログインのパスワードを標準入力から 1 行読み取ります。</translation>
    </message>
    <message>
        <source>No password came on standard input.</source>
        <translation>標準入力からパスワードが届きませんでした。</translation>
    </message>
    <message>
        <source>Added %1 as %2.</source>
        <translation>%1 を%2として追加しました。</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 は%2になりました。</translation>
    </message>
    <message>
        <source>pooldeskctl user remove LOGIN</source>
        <translation>pooldeskctl user remove ログイン</translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation>%1 を削除しました。</translation>
    </message>
    <message>
        <source>This pool is a SQLite file: whoever can open it (here %1) has full access, so it has no users. Teams that need roles keep the pool in PostgreSQL.</source>
        <translation>このプールは SQLite ファイルです。ファイルを開ける人（ここでは %1）は誰でもすべてにアクセスできるため、ユーザーはいません。ロールが必要なチームは、プールを PostgreSQL に置いてください。</translation>
    </message>
    <message>
        <source>LOGIN</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <source>COMPANIES</source>
        <translation>企業</translation>
    </message>
    <message>
        <source>pooldeskctl user add|list|set-role|remove ...</source>
        <translation>pooldeskctl user add|list|set-role|remove ...</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %3 の%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>(a SQLite file: whoever can open it has full access)</source>
        <translation>（SQLite ファイル: 開ける人は誰でもすべてにアクセスできます）</translation>
    </message>
    <message>
        <source>(owner of the database; add people with `pooldeskctl user add`)</source>
        <translation>（データベースの所有者。`pooldeskctl user add` で利用者を追加してください）</translation>
    </message>
    <message>
        <source>add, list, change and remove the people who use the pool</source>
        <translation>プールを使う人の追加・一覧・変更・削除</translation>
    </message>
    <message>
        <source>who you are to the pool database, and your role</source>
        <translation>プールのデータベースから見たあなたとロール</translation>
    </message>
    <message>
        <source>administrator, finance, manager or service (the pool service&apos;s own login).</source>
        <translation>administrator、finance、manager、service（プールサービス専用のログイン）のいずれか。</translation>
    </message>
    <message>
        <source>pooldeskctl user add LOGIN --role administrator|finance|manager|service [--company NAME]... [--password-stdin]</source>
        <translation>pooldeskctl user add ログイン --role administrator|finance|manager|service [--company 企業名]... [--password-stdin]</translation>
    </message>
    <message>
        <source>pooldeskctl user set-role LOGIN --role administrator|finance|manager|service [--company NAME]...</source>
        <translation>pooldeskctl user set-role ログイン --role administrator|finance|manager|service [--company 企業名]...</translation>
    </message>
    <message>
        <source>--role must be administrator, finance, manager or service (got &quot;%1&quot;).</source>
        <translation>--role には administrator、finance、manager、service のいずれかを指定してください（指定値: &quot;%1&quot;）。</translation>
    </message>
    <message>
        <source>Numbers the company may be given per second, at every entry point together (or &quot;none&quot;).</source>
        <translation>この企業に 1 秒あたり割り当てられる番号の数。すべての入口の合計（または &quot;none&quot;）。</translation>
    </message>
    <message>
        <source>How many allocations may come at once (default: the rate; or &quot;none&quot;).</source>
        <translation>一度に受け付ける割り当ての数（既定: レートと同じ。または &quot;none&quot;）。</translation>
    </message>
    <message>
        <source>%1 (burst %2)</source>
        <translation>%1（バースト %2）</translation>
    </message>
    <message>
        <source>ALLOCATIONS/S</source>
        <translation>割り当て/秒</translation>
    </message>
    <message>
        <source>pooldeskctl company set-limits NAME [--max-concurrent N|none] [--monthly-minutes N|none] [--monthly-budget USD|none] [--allocations-per-second N|none] [--allocation-burst N|none]</source>
        <translation>pooldeskctl company set-limits 企業名 [--max-concurrent N|none] [--monthly-minutes N|none] [--monthly-budget USD|none] [--allocations-per-second N|none] [--allocation-burst N|none]</translation>
    </message>
    <message>
        <source>Recordings reach you through the pool service, whose address is not set. Ask an administrator to set it (Settings ▸ Pool in the console).</source>
        <translation>録音はプールサービス経由で届きますが、そのアドレスが設定されていません。管理者に設定を依頼してください (コンソールの「設定 ▸ プール」)。</translation>
    </message>
    <message>
        <source>Only this company&apos;s recordings.</source>
        <translation>この企業の録音だけ。</translation>
    </message>
    <message>
        <source>Only this call&apos;s recordings.</source>
        <translation>この通話の録音だけ。</translation>
    </message>
    <message>
        <source>At most N recordings, newest first (default 1000).</source>
        <translation>新しい順に最大 N 件 (既定 1000)。</translation>
    </message>
    <message>
        <source>(no call)</source>
        <translation>(通話なし)</translation>
    </message>
    <message>
        <source>RECORDING</source>
        <translation>録音</translation>
    </message>
    <message>
        <source>CALL</source>
        <translation>通話</translation>
    </message>
    <message>
        <source>RECORDED</source>
        <translation>録音日時</translation>
    </message>
    <message>
        <source>The recording&apos;s SID.</source>
        <translation>録音の SID。</translation>
    </message>
    <message>
        <source>The file to write (WAV).</source>
        <translation>書き出すファイル (WAV)。</translation>
    </message>
    <message>
        <source>Replace FILE when it exists.</source>
        <translation>FILE があれば置き換える。</translation>
    </message>
    <message>
        <source>pooldeskctl recording download RE... --out FILE</source>
        <translation>pooldeskctl recording download RE... --out FILE</translation>
    </message>
    <message>
        <source>%1 exists; choose another file or pass --force to replace it.</source>
        <translation>%1 は既にあります。別のファイルを選ぶか、置き換えるなら --force を付けてください。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 に書き込めませんでした: %2</translation>
    </message>
    <message>
        <source>Saved %1 (%2 bytes) to %3.</source>
        <translation>%1 (%2 バイト) を %3 に保存しました。</translation>
    </message>
    <message>
        <source>pooldeskctl recording delete RE... [--yes]</source>
        <translation>pooldeskctl recording delete RE... [--yes]</translation>
    </message>
    <message>
        <source>Delete recording %1 of call %2 at Twilio? It cannot be recovered.</source>
        <translation>通話 %2 の録音 %1 を Twilio で削除しますか? 元に戻せません。</translation>
    </message>
    <message>
        <source>Not deleted: not confirmed.</source>
        <translation>削除しませんでした: 確認されませんでした。</translation>
    </message>
    <message>
        <source>%1 was already gone at Twilio; removed here.</source>
        <translation>%1 は Twilio に既にありませんでした。こちらからも削除しました。</translation>
    </message>
    <message>
        <source>Deleted %1 at Twilio.</source>
        <translation>Twilio で %1 を削除しました。</translation>
    </message>
    <message>
        <source>pooldeskctl recording list|download|delete ...</source>
        <translation>pooldeskctl recording list|download|delete ...</translation>
    </message>
    <message>
        <source>list, download and delete call recordings (every access is audited)</source>
        <translation>通話録音の一覧・ダウンロード・削除 (すべてのアクセスを監査ログに記録)</translation>
    </message>
    <message>
        <source>When the number asked for is taken, buy another one from the same area code instead.</source>
        <translation>指定した番号が取られていたら、同じ市外局番の別の番号を購入する。</translation>
    </message>
    <message>
        <source>pooldeskctl twilio buy E164 [--or-similar] | --area-code N [--country CC] [--yes]</source>
        <translation>pooldeskctl twilio buy E164 [--or-similar] | --area-code N [--country CC] [--yes]</translation>
    </message>
    <message>
        <source>%1 was taken by someone else meanwhile; nothing was bought. Pass --or-similar to buy another number from its area code.</source>
        <translation>%1 はその間に他の人に取られたため、何も購入しませんでした。同じ市外局番の別の番号を購入するには --or-similar を付けてください。</translation>
    </message>
    <message numerus="yes">
        <source>Synced %n call(s): %1 new, %2 matched to calls the pool recorded, %3 got Twilio&apos;s price, %4 unchanged, %5 still under way (taken next time); %6 recordings.</source>
        <translation>
            <numerusform>%n 件の通話を同期しました: 新規 %1 件、プールの記録と照合 %2 件、Twilio の料金を取得 %3 件、変更なし %4 件、通話中 %5 件 (次回に取り込み)。録音 %6 件。</numerusform>
        </translation>
    </message>
    <message>
        <source>The month, YYYY-MM (UTC, as Twilio bills).</source>
        <translation>対象月 YYYY-MM (Twilio の請求と同じく UTC)。</translation>
    </message>
    <message>
        <source>pooldeskctl --env ENV report reconcile --month YYYY-MM</source>
        <translation>pooldeskctl --env ENV report reconcile --month YYYY-MM</translation>
    </message>
    <message>
        <source>%1, %2 environment, against Twilio&apos;s usage records (UTC):</source>
        <translation>%1、%2 環境、Twilio の利用記録との照合 (UTC):</translation>
    </message>
    <message>
        <source>CATEGORY</source>
        <translation>区分</translation>
    </message>
    <message>
        <source>POOLDESK</source>
        <translation>POOLDESK</translation>
    </message>
    <message>
        <source>AMOUNT</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>TWILIO</source>
        <translation>TWILIO</translation>
    </message>
    <message>
        <source>DIFFERENCE</source>
        <translation>差額</translation>
    </message>
    <message>
        <source>WHY</source>
        <translation>理由</translation>
    </message>
    <message numerus="yes">
        <source>Pool %1: %n number(s) (%2 shared, %3 dedicated)</source>
        <translation>
            <numerusform>プール %1: 番号 %n 件 (共有 %2、専用 %3)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Twilio priced %1 of %n call(s): billed %2 against an estimate of %3.</source>
        <translation>
            <numerusform>Twilio は %n 件の通話のうち %1 件の料金を確定: 請求 %2、見積もり %3。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln call(s), %1 billed minutes, cost %2 (%3 priced by Twilio, the rest estimated).</source>
        <translation>
            <numerusform>通話 %Ln 件、課金 %1 分、費用 %2 (%3 件は Twilio の料金、残りは見積もり)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Dry run: %1 of %n number(s) would change (%2 pointing at another environment). Nothing was changed.</source>
        <translation>
            <numerusform>試行: %n 件の番号のうち %1 件が変更されます (%2 件は別の環境を指しています)。何も変更していません。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Updated %1 of %n number(s) to %2 (%3 had pointed at another environment).</source>
        <translation>
            <numerusform>%n 件の番号のうち %1 件を %2 に更新しました (%3 件は別の環境を指していました)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 pool: %n number(s), %2 shared free (threshold %3), rental %4/month.</source>
        <translation>
            <numerusform>%1 プール: 番号 %n 件、共有の空き %2 件 (しきい値 %3)、利用料 %4/月。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Idle %n day(s) or more: %1, next billed %2%3</source>
        <translation>
            <numerusform>%n 日以上未使用: %1、次回請求 %2%3</numerusform>
        </translation>
    </message>
    <message>
        <source>The month, YYYY-MM, in the workspace&apos;s billing time zone. Default: this month.</source>
        <translation>月（YYYY-MM、ワークスペースの請求タイムゾーン）。既定: 今月。</translation>
    </message>
    <message>
        <source>Costs for %1 (USD; months in %2)</source>
        <translation>%1 のコスト（USD、月の区切りは %2）</translation>
    </message>
    <message>
        <source>Closed on %1 by %2 (SHA-256 %3).</source>
        <translation>%1 に %2 が締め済み（SHA-256 %3）。</translation>
    </message>
    <message>
        <source>Open: the figures may still change until finance closes the month.</source>
        <translation>未締め: 経理担当者が月を締めるまで金額は変わる可能性があります。</translation>
    </message>
    <message>
        <source>%1: %2 of corrections to %3 (closed), included in the total.</source>
        <translation>%1: %3（締め済み）への訂正 %2 を合計に含みます。</translation>
    </message>
    <message>
        <source>Calls started on or after DATE (YYYY-MM-DD, in the workspace&apos;s billing time zone).</source>
        <translation>DATE 以降に開始した通話（YYYY-MM-DD、ワークスペースの請求タイムゾーン）。</translation>
    </message>
    <message>
        <source>The month, YYYY-MM, in the workspace&apos;s billing time zone.</source>
        <translation>月（YYYY-MM、ワークスペースの請求タイムゾーン）。</translation>
    </message>
    <message>
        <source>Re-open %1? Its report will be worked out again from the history, and may no longer match what was invoiced.</source>
        <translation>%1 を再オープンしますか？レポートは履歴から計算し直され、請求済みの内容と一致しなくなる可能性があります。</translation>
    </message>
    <message>
        <source>Nothing was re-opened.</source>
        <translation>何も再オープンしていません。</translation>
    </message>
    <message>
        <source>%1 is open again.</source>
        <translation>%1 を再オープンしました。</translation>
    </message>
    <message>
        <source>Closed %1 (%2): total %3. SHA-256 %4, entered in the audit log.</source>
        <translation>%1（%2）を締めました: 合計 %3。SHA-256 %4 を監査ログに記録しました。</translation>
    </message>
    <message>
        <source>pooldeskctl report costs [--month YYYY-MM] [--csv FILE] [--bom] | report calls [--company NAME] [--from DATE] [--to DATE] [--csv FILE] [--bom] | report reconcile --month YYYY-MM | report close --month YYYY-MM | report reopen --month YYYY-MM [--yes]</source>
        <translation>pooldeskctl report costs [--month YYYY-MM] [--csv FILE] [--bom] | report calls [--company NAME] [--from DATE] [--to DATE] [--csv FILE] [--bom] | report reconcile --month YYYY-MM | report close --month YYYY-MM | report reopen --month YYYY-MM [--yes]</translation>
    </message>
    <message>
        <source>Only numbers in this status: available, held (reserved or in use), reserved (allocated, call not confirmed) or in_use (on a call).</source>
        <translation>この状態の番号のみ: available、held（予約中または使用中）、reserved（割り当て済み、通話未確認）、in_use（通話中）。</translation>
    </message>
    <message>
        <source>--status must be available, held, reserved or in_use.</source>
        <translation>--status には available、held、reserved、in_use のいずれかを指定してください。</translation>
    </message>
    <message>
        <source>  available %1, held %2 (reserved %3: allocated, call not confirmed; in use %4: on a call)</source>
        <translation>  空き %1、保持中 %2（予約中 %3: 割り当て済み・通話未確認、使用中 %4: 通話中）</translation>
    </message>
    <message>
        <source>HELD</source>
        <translation>保持中</translation>
    </message>
    <message>
        <source>this help; after a command, that command&apos;s options</source>
        <translation>このヘルプ。コマンドの後に付けるとそのコマンドのオプション</translation>
    </message>
    <message>
        <source>version, revision and licence</source>
        <translation>バージョン、リビジョン、ライセンス</translation>
    </message>
    <message>
        <source>what a bug report needs (versions, Qt, system, SQL drivers, keychain)</source>
        <translation>不具合報告に必要な情報 (バージョン、Qt、システム、SQL ドライバー、キーチェーン)</translation>
    </message>
    <message>
        <source>The number to be called (E.164): the pick prefers the number this person saw before, then one local to them.</source>
        <translation>発信先の番号（E.164）。以前この相手に表示した番号を優先し、次に相手の地域の番号を選びます。</translation>
    </message>
    <message>
        <source>pooldeskctl allocate --company NAME --operator ID --session ID [--to E164] [--ttl SECONDS]</source>
        <translation>pooldeskctl allocate --company 会社名 --operator ID --session ID [--to E164] [--ttl 秒数]</translation>
    </message>
    <message>
        <source>How long it rests (default: the policy&apos;s rest_days).</source>
        <translation>休止する日数（既定: ポリシーの rest_days）。</translation>
    </message>
    <message>
        <source>Why, for the audit log and the Pool view.</source>
        <translation>理由（監査ログとプール画面に表示）。</translation>
    </message>
    <message>
        <source>TEXT</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>pooldeskctl number rest E164 [--days N] [--reason TEXT]</source>
        <translation>pooldeskctl number rest E164 [--days 日数] [--reason 理由]</translation>
    </message>
    <message>
        <source>pooldeskctl number unrest E164</source>
        <translation>pooldeskctl number unrest E164</translation>
    </message>
    <message>
        <source>%1 is back in the pool.</source>
        <translation>%1 をプールに戻しました。</translation>
    </message>
    <message>
        <source>--days takes a whole number from 1 to 365.</source>
        <translation>--days には 1 から 365 までの整数を指定してください。</translation>
    </message>
    <message>
        <source>%1 rests until %2: no call will be given it.</source>
        <translation>%1 は %2 まで休止します。その間は発信に使われません。</translation>
    </message>
    <message>
        <source>days a callee gets the number they saw before (0: off)</source>
        <translation>相手に以前と同じ番号を使う日数（0: 無効）</translation>
    </message>
    <message>
        <source>prefer numbers in the callee&apos;s area code, then region</source>
        <translation>相手の市外局番、次に地域の番号を優先</translation>
    </message>
    <message>
        <source>the callee&apos;s local hours calls may be placed in</source>
        <translation>発信してよい相手の現地時間帯</translation>
    </message>
    <message>
        <source>calls per number per day (0: no cap)</source>
        <translation>番号ごとの 1 日の発信数上限（0: なし）</translation>
    </message>
    <message>
        <source>calls per number per hour (0: no cap)</source>
        <translation>番号ごとの 1 時間の発信数上限（0: なし）</translation>
    </message>
    <message>
        <source>seconds between two calls from one number</source>
        <translation>同じ番号からの発信の最小間隔（秒）</translation>
    </message>
    <message>
        <source>days over which a new number&apos;s daily cap rises</source>
        <translation>新しい番号の 1 日の上限が段階的に上がる日数</translation>
    </message>
    <message>
        <source>days a rested number is out of the pool</source>
        <translation>休止した番号がプールから外れる日数</translation>
    </message>
    <message>
        <source>days a shared number stays with the company that called from it last</source>
        <translation>共有番号を最後に使った会社に留める日数</translation>
    </message>
    <message>
        <source>VALUE</source>
        <translation>値</translation>
    </message>
    <message>
        <source>MEANING</source>
        <translation>意味</translation>
    </message>
    <message>
        <source>A policy key.</source>
        <translation>ポリシーキー。</translation>
    </message>
    <message>
        <source>Its value.</source>
        <translation>その値。</translation>
    </message>
    <message>
        <source>pooldeskctl policy set KEY VALUE (keys: %1)</source>
        <translation>pooldeskctl policy set キー 値（キー: %1）</translation>
    </message>
    <message>
        <source>pooldeskctl policy show | set KEY VALUE</source>
        <translation>pooldeskctl policy show | set キー 値</translation>
    </message>
    <message>
        <source>how caller IDs are chosen: stickiness, local presence, caps, calling hours</source>
        <translation>発信者番号の選び方: 固定、ローカルプレゼンス、上限、発信時間</translation>
    </message>
    <message>
        <source>Only this number (E.164).</source>
        <translation>この番号のみ（E.164）。</translation>
    </message>
    <message>
        <source>First rest the numbers significantly worse than their peers, as the pool service does on its own (audited as policy:reputation).</source>
        <translation>先に、同類の番号より明らかに成績の悪い番号を休止します（プールサービスが自動で行うのと同じで、policy:reputation として監査されます）。</translation>
    </message>
    <message>
        <source>pooldeskctl number health [E164] [--review]</source>
        <translation>pooldeskctl number health [E164] [--review]</translation>
    </message>
    <message>
        <source>Rested %1: %2.</source>
        <translation>%1 を休止しました: %2。</translation>
    </message>
    <message>
        <source>HEALTH</source>
        <translation>健全性</translation>
    </message>
    <message>
        <source>ANSWER RATE</source>
        <translation>応答率</translation>
    </message>
    <message>
        <source>PEERS</source>
        <translation>同類</translation>
    </message>
    <message>
        <source>BLOCKED</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>TODAY</source>
        <translation>本日</translation>
    </message>
    <message>
        <source>RESTING UNTIL</source>
        <translation>休止期限</translation>
    </message>
    <message numerus="yes">
        <source>CALLS (%n DAYS)</source>
        <translation>
            <numerusform>発信数（%n 日）</numerusform>
        </translation>
    </message>
    <message>
        <source>Carry the plan out: buy up to the threshold (within the maximum pool size and budget cap), in the callee area codes that calls went to without a local number first, and release idle numbers that are due, or record them as proposals when the policy only proposes (twilio.autoscale.release_idle = 0).</source>
        <translation>計画を実行します: しきい値まで番号を購入し (最大プールサイズと予算上限の範囲内)、ローカル番号なしで発信した着信先の市外局番を優先します。期限の来た未使用番号を解放するか、ポリシーが提案のみの場合 (twilio.autoscale.release_idle = 0) は提案として記録します。</translation>
    </message>
    <message>
        <source>Local presence is off (policy local_presence): purchases are not steered to the callees&apos; area codes.</source>
        <translation>ローカルプレゼンスはオフです (ポリシー local_presence): 購入は着信先の市外局番に向けられません。</translation>
    </message>
    <message>
        <source>Callee area codes that calls went to without a local number in the last %1 days, searched first in this order:</source>
        <translation>過去 %1 日間にローカル番号なしで発信した着信先の市外局番 (この順に先に検索します):</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n call(s) without a local number; shared numbers there %2, sizing wants %3 more; to buy there %4</source>
        <translation>
            <numerusform>%1: ローカル番号なしの発信 %n 件、共有番号 %2 件、サイジング上の不足 %3 件、購入予定 %4 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Calls to %n more area code(s) went out without a local number; they are outside %1 or Twilio cannot search them by area code, so nothing is bought there.</source>
        <translation>
            <numerusform>ほかに %n 個の市外局番への発信がローカル番号なしで行われました。%1 の外にあるか Twilio が市外局番で検索できないため、そこでは購入しません。</numerusform>
        </translation>
    </message>
    <message>
        <source>Buying each area code&apos;s shortfall while enough shared numbers are free is off (twilio.autoscale.local_presence_buy = 0).</source>
        <translation>共有番号が十分に空いているときに各市外局番の不足分を購入する設定はオフです (twilio.autoscale.local_presence_buy = 0)。</translation>
    </message>
    <message numerus="yes">
        <source>Twilio offered no number in %n area code(s): %1.</source>
        <translation>
            <numerusform>Twilio は %n 個の市外局番で番号を提示しませんでした: %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>A CSV file in UTF-8 with a header row naming its columns: number, environment, dedicated company, sid, monthly price.</source>
        <translation>列名のヘッダー行がある UTF-8 の CSV ファイル: number、environment、dedicated company、sid、monthly price。</translation>
    </message>
    <message>
        <source>Check every row; import nothing.</source>
        <translation>すべての行を確認し、何もインポートしません。</translation>
    </message>
    <message>
        <source>pooldeskctl number import FILE.csv [--dry-run]</source>
        <translation>pooldeskctl number import FILE.csv [--dry-run]</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>%1 を読み込めません: %2。</translation>
    </message>
    <message numerus="yes">
        <source>Nothing imported: %n problem(s) in the file.</source>
        <translation>
            <numerusform>インポートしていません: ファイルに %n 件の問題があります。</numerusform>
        </translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>%1 行目: %2</translation>
    </message>
    <message numerus="yes">
        <source>... and %n more problem(s).</source>
        <translation>
            <numerusform>... ほかに %n 件の問題があります。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n row(s) are valid. Nothing imported (--dry-run).</source>
        <translation>
            <numerusform>%n 行すべてが有効です。何もインポートしていません (--dry-run)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n number(s).</source>
        <translation>
            <numerusform>%n 件の番号をインポートしました。</numerusform>
        </translation>
    </message>
    <message>
        <source>pooldeskctl number add|import|list|remove|assign|unassign|rest|unrest|health ...</source>
        <translation>pooldeskctl number add|import|list|remove|assign|unassign|rest|unrest|health ...</translation>
    </message>
    <message>
        <source>Make the key when the workspace has none.</source>
        <translation>ワークスペースに鍵がないときは作成します。</translation>
    </message>
    <message>
        <source>This workspace has no audit signing key in this keychain yet. `pooldeskctl audit key --create` or `pooldeskctl audit checkpoint` makes one.</source>
        <translation>このキーチェーンには、このワークスペースの監査署名鍵がまだありません。`pooldeskctl audit key --create` または `pooldeskctl audit checkpoint` で作成されます。</translation>
    </message>
    <message>
        <source>Made a new signing key and registered it in the log.</source>
        <translation>新しい署名鍵を作成し、ログに登録しました。</translation>
    </message>
    <message>
        <source>Log:          %1</source>
        <translation>ログ:         %1</translation>
    </message>
    <message>
        <source>Algorithm:    Ed25519</source>
        <translation>アルゴリズム: Ed25519</translation>
    </message>
    <message>
        <source>Public key:   %1</source>
        <translation>公開鍵:       %1</translation>
    </message>
    <message>
        <source>Fingerprint:  %1</source>
        <translation>フィンガープリント: %1</translation>
    </message>
    <message>
        <source>Private key:  in the system keychain, entry %1</source>
        <translation>秘密鍵:       システムのキーチェーン (エントリ %1)</translation>
    </message>
    <message>
        <source>Also write the checkpoint into this witness folder, kept outside the database (another disk, another machine).</source>
        <translation>チェックポイントを、データベースの外 (別のディスクや別のマシン) にあるこの証人フォルダーにも書き込みます。</translation>
    </message>
    <message>
        <source>Signed checkpoint at entry %1 (head %2…), %3, key %4.</source>
        <translation>エントリ %1 (先頭 %2…) でチェックポイントに署名しました。%3、鍵 %4。</translation>
    </message>
    <message>
        <source>Witness written: %1</source>
        <translation>証人を書き込みました: %1</translation>
    </message>
    <message>
        <source>A witness folder or checkpoint file to check the log against (repeatable).</source>
        <translation>ログの照合に使う証人フォルダーまたはチェックポイントファイル (複数指定可)。</translation>
    </message>
    <message>
        <source>Entries from this date (YYYY-MM-DD, in the workspace&apos;s billing time zone) or ISO 8601 time on.</source>
        <translation>この日付 (YYYY-MM-DD、ワークスペースの請求タイムゾーン) または ISO 8601 の時刻以降のエントリ。</translation>
    </message>
    <message>
        <source>Only this company&apos;s entries.</source>
        <translation>この会社のエントリのみ。</translation>
    </message>
    <message>
        <source>Write the entries as CSV to this file (- for standard output).</source>
        <translation>エントリを CSV としてこのファイルに書き込みます (- で標準出力)。</translation>
    </message>
    <message>
        <source>Start the CSV with a byte-order mark (Excel).</source>
        <translation>CSV の先頭にバイトオーダーマークを付けます (Excel 用)。</translation>
    </message>
    <message>
        <source>--since takes a date like 2026-03-01.</source>
        <translation>--since には 2026-03-01 のような日付を指定してください。</translation>
    </message>
    <message>
        <source>TIME (%1)</source>
        <translation>時刻 (%1)</translation>
    </message>
    <message>
        <source>ACTOR</source>
        <translation>実行者</translation>
    </message>
    <message>
        <source>ACTION</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>TARGET</source>
        <translation>対象</translation>
    </message>
    <message>
        <source>CHANGE</source>
        <translation>変更</translation>
    </message>
    <message>
        <source>pooldeskctl audit key [--create] | checkpoint [--out DIR] | verify [--witness DIR|FILE] | list [--since DATE] [--company NAME] [--csv FILE [--bom]]</source>
        <translation>pooldeskctl audit key [--create] | checkpoint [--out DIR] | verify [--witness DIR|FILE] | list [--since DATE] [--company NAME] [--csv FILE [--bom]]</translation>
    </message>
    <message>
        <source>the tamper-evident audit log: signing key, checkpoints, verification, list</source>
        <translation>改ざん検知できる監査ログ: 署名鍵、チェックポイント、検証、一覧</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier checkpoint(s) copied into the witness too.</source>
        <translation>
            <numerusform>以前のチェックポイント %n 件も証人にコピーしました。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Importing: %1 of %n number(s) added…</source>
        <translation>
            <numerusform>インポート中: %n 件中 %1 件の番号を追加しました…</numerusform>
        </translation>
    </message>
</context>
</TS>
