/// One run of `SegmentSender`: reads the input, fills batches, and keeps requests in flight.
struct Run: Sendable {
    let sender: SegmentSender
    let runID: RunID
    let ledger: DeliveryLedger
    let timeShift: Int64?
    let firstLine: Int
    let limiter: RequestRateLimiter
    /// Raised by the caller's stop or by the run itself when a batch makes going on pointless.
    let halt: StopRequest
    let archive: SavedBatchArchive

    private var configuration: SendConfiguration { sender.configuration }

    init(
        sender: SegmentSender, runID: RunID, ledger: DeliveryLedger, timeShift: Int64?,
        firstLine: Int
    ) {
        self.sender = sender
        self.runID = runID
        self.ledger = ledger
        self.timeShift = timeShift
        self.firstLine = firstLine
        limiter = RequestRateLimiter(requestsPerSecond: sender.configuration.requestsPerSecond)
        halt = StopRequest(linkedTo: sender.stop)
        archive = SavedBatchArchive(
            directory: sender.configuration.savedBatchDirectory,
            inputPath: sender.configuration.input.path, runID: runID)
    }

    /// What became of one batch.
    enum Delivery: Sendable {
        case delivered
        case rejected
        case refused(status: Int)
        case exhausted
        /// The data plane's host name has not resolved once in this run; the checkpoint
        /// still holds the batch.
        case hostNotFound
        /// Given up because the run is stopping; the checkpoint still holds it.
        case abandoned
        /// Not a batch: the end of the grace period after a stop.
        case graceOver
    }

    /// Sends every line; returns the outcome when the run ended early, `nil` when it read all.
    func sendAll<Lines: Sequence<MessageLine>>(_ lines: Lines) async -> SendOutcome? {
        var ending: SendOutcome?
        await withTaskGroup(of: Delivery.self) { group in
            var inFlight = 0
            var builder = BatchBuilder(
                maximumMessages: configuration.maximumMessagesPerBatch,
                maximumBodyBytes: configuration.maximumBodyBytes)
            var preparer = MessagePreparer(salt: MessageIDSalt(runID: runID), timeShift: timeShift)
            var paceClock = PaceClock(pace: configuration.pace)

            func note(_ delivery: Delivery) {
                switch delivery {
                case .refused(let status):
                    ending = ending ?? .refused(status: status)
                    halt.request()
                case .exhausted:
                    ending = ending ?? .retriesExhausted(neverConnected: false)
                    halt.request()
                case .hostNotFound:
                    ending = ending ?? .hostNotFound(host: configuration.dataPlane.host)
                    halt.request()
                case .delivered, .rejected, .abandoned, .graceOver:
                    break
                }
            }

            // Checked once per batch rather than per message: it costs a hop to the ledger.
            var checkpointFailed = false

            // Starts the grace period as soon as a stop is requested, wherever the run is
            // waiting then (a free slot for the next batch, or the last answers), and ends what
            // is still in flight when it is over. The end of the run cancels it.
            let grace = configuration.stopGracePeriod
            group.addTask {
                while await halt.sleep(until: .now + .seconds(3600)) {}
                if !Task.isCancelled { try? await Task.sleep(for: grace) }
                return .graceOver
            }

            /// Counts a finished task; returns false for the grace period's end, which is not
            /// a batch.
            func finished(_ done: Delivery) -> Bool {
                if case .graceOver = done {
                    group.cancelAll()
                    return false
                }
                inFlight -= 1
                note(done)
                return true
            }

            func submit(_ batch: Batch) async {
                await ledger.register(batch)
                checkpointFailed = await ledger.writeError != nil
                while inFlight >= configuration.maximumInFlight, let done = await group.next() {
                    _ = finished(done)
                }
                group.addTask { await deliver(batch) }
                inFlight += 1
            }

            for line in lines {
                if halt.isRequested || Task.isCancelled || checkpointFailed { break }
                guard line.number >= firstLine else { continue }

                let checked: CheckedMessage
                do throws(MessageProblem) {
                    checked = try SegmentMessageRules.check(line.bytes)
                } catch {
                    let location = SourceLocation(
                        file: configuration.input.path, line: line.number, column: error.column)
                    ending = .badInput(.error(at: location, error.message))
                    // What is in flight gets the grace period, as after any other stop.
                    halt.request()
                    break
                }
                if configuration.rebaseToNow, preparer.timeShift == nil,
                    let time = checked.timestamp
                {
                    let shift = EventTime.now.millisecondsSinceEpoch - time.millisecondsSinceEpoch
                    preparer.timeShift = shift
                    await ledger.setTimeShift(shift)
                }
                let message = preparer.prepare(checked, line: line.number)

                if message.bytes.count > configuration.maximumMessageBytes
                    || !builder.fitsAlone(message.bytes.count)
                {
                    await ledger.recordSkipped(line: line.number)
                    sender.reporter.report(
                        .skipped(
                            line: line.number, messageID: message.messageID,
                            bytes: message.bytes.count))
                    continue
                }

                if let due = paceClock.due(eventTime: message.eventTime), due > .now {
                    // Whatever is already due goes out before the pause, not after it.
                    if let batch = builder.flush() { await submit(batch) }
                    guard await halt.sleep(until: due) else { break }
                }
                if let full = builder.add(message) { await submit(full) }
            }

            let stopping = halt.isRequested || Task.isCancelled || ending != nil
            if !stopping, let last = builder.flush() { await submit(last) }

            while inFlight > 0, let done = await group.next() {
                _ = finished(done)
            }
            // Nothing is in flight: this ends the grace-period task.
            group.cancelAll()
        }

        if ending == nil, sender.stop.isRequested || Task.isCancelled { ending = .interrupted }
        if case .retriesExhausted = ending, !(await ledger.hasReachedServer) {
            ending = .retriesExhausted(neverConnected: true)
        }
        return ending
    }

    /// Sends one batch until it is acknowledged, rejected, out of attempts, or the run stops.
    private func deliver(_ batch: Batch) async -> Delivery {
        let policy = configuration.retry
        var attempt = 1
        while true {
            let slot = await limiter.reserve()
            guard await halt.sleep(until: slot) else { return .abandoned }

            let body = batch.body(sentAt: .now)
            let result = await sender.transport.post(body, retryCount: attempt - 1)
            let wait: Double
            let problem: String
            switch result {
            case .response(let status, let retryAfter, let reply):
                await ledger.recordAttempt(result, isRetry: attempt > 1)
                switch policy.verdict(status: status, retryAfter: retryAfter) {
                case .delivered:
                    await ledger.delivered(batch)
                    return .delivered
                case .rejected:
                    save(batch, body, reason: "HTTP \(status): \(reply)", attempts: attempt)
                    await ledger.rejected(batch)
                    return .rejected
                case .refused:
                    save(batch, body, reason: "HTTP \(status): \(reply)", attempts: attempt)
                    await ledger.failed(batch)
                    sender.reporter.report(.notice(refusal(status)))
                    return .refused(status: status)
                case .retry(let retryAfter):
                    problem = "HTTP \(status)"
                    wait = retryAfter ?? policy.backoff(afterAttempt: attempt)
                    if retryAfter != nil {
                        await limiter.pause(until: .now + Self.duration(wait))
                    }
                }
            case .failure(let failure):
                await ledger.recordAttempt(result, isRetry: attempt > 1)
                if failure.kind == .cancelled || Task.isCancelled { return .abandoned }
                if failure.kind == .untrustedCertificate {
                    // The same certificate fails every retry the same way: stop at once.
                    save(batch, body, reason: failure.description, attempts: attempt)
                    await ledger.failed(batch)
                    sender.reporter.report(
                        .notice(
                            "the data plane's certificate is not trusted (\(failure.detail)); "
                                + "retrying cannot help, so the run stops"))
                    return .exhausted
                }
                if failure.kind == .hostNotFound, !(await ledger.hasResolvedHost) {
                    // A name that never resolved is most likely mistyped, and a minute of
                    // retries would only hide that. Once it has resolved in this run, a failed
                    // lookup is a passing DNS fault and is retried like any network error.
                    return .hostNotFound
                }
                problem = failure.description
                wait = policy.backoff(afterAttempt: attempt)
            }

            if attempt >= policy.maximumAttempts {
                let reason = "no success after \(attempt) attempts; last: \(problem)"
                save(batch, body, reason: reason, attempts: attempt)
                await ledger.failed(batch)
                return .exhausted
            }
            guard await halt.sleep(until: .now + Self.duration(wait)) else { return .abandoned }
            attempt += 1
        }
    }

    private func save(_ batch: Batch, _ body: [UInt8], reason: String, attempts: Int) {
        let reason = sender.transport.redact(reason)
        let path: String?
        switch archive.save(batch, body: body, reason: reason, attempts: attempts) {
        case .success(let saved): path = saved
        case .failure(let error):
            path = nil
            sender.reporter.report(.notice("cannot save batch to \(error.path): \(error.reason)"))
        }
        sender.reporter.report(
            .batchSaved(
                firstLine: batch.firstLine, lastLine: batch.lastLine, reason: reason, path: path))
    }

    private func refusal(_ status: Int) -> String {
        switch status {
        case 401, 403:
            "the data plane refused the write key (HTTP \(status)); stopping"
        case 404:
            "the data plane has no /v1/batch (HTTP 404); check --data-plane-url; stopping"
        default:
            "the data plane refuses requests (HTTP \(status)); stopping"
        }
    }

    private static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
