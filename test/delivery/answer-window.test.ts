import { describe, expect, it } from 'vitest';
import { AnswerWindow } from '../../src/delivery/answer-window.js';

describe('AnswerWindow', () => {
  it('lets `limit` messages through in a window and the next one when the oldest leaves it', () => {
    const window = new AnswerWindow(2, 1000);
    expect(window.take(0)).toBe(true);
    expect(window.take(10)).toBe(true);
    expect(window.take(20)).toBe(false);
    for (const at of [0, 10]) window.answered(at);
    expect(window.waitMs(20)).toBe(980);
    expect(window.take(999)).toBe(false);
    expect(window.take(1000)).toBe(true);
  });

  it('counts a message from its answer, so a slow answer holds its place longer', () => {
    const window = new AnswerWindow(1, 1000);
    expect(window.take(0)).toBe(true);
    window.answered(400);
    expect(window.take(1000)).toBe(false);
    expect(window.waitMs(1000)).toBe(400);
    expect(window.take(1400)).toBe(true);
  });

  it('keeps counting a message that is still unanswered after a window', () => {
    const window = new AnswerWindow(1, 1000, 30_000);
    expect(window.take(0)).toBe(true);
    expect(window.take(5000)).toBe(false);
    window.answered(5000);
    expect(window.take(5999)).toBe(false);
    expect(window.take(6000)).toBe(true);
  });

  it('stops counting a message whose answer never comes after maxUnansweredMs', () => {
    const window = new AnswerWindow(1, 1000, 3000);
    expect(window.take(0)).toBe(true);
    expect(window.waitMs(100)).toBe(2900);
    expect(window.take(3000)).toBe(true);
  });

  it('moves counts only later when answers come out of order', () => {
    const window = new AnswerWindow(2, 1000);
    window.take(0);
    window.take(500);
    // The second message is answered first; the oldest start (0) is the one retired.
    window.answered(600);
    expect(window.count(1100)).toBe(2);
    expect(window.count(1601)).toBe(1);
  });

  it('is idle once everything in it has left the window', () => {
    const window = new AnswerWindow(5, 100);
    window.take(0);
    window.answered(10);
    expect(window.isIdle(50)).toBe(false);
    expect(window.isIdle(110)).toBe(true);
  });

  it('says when it may have room next, and an answer brings that instant forward', () => {
    const window = new AnswerWindow(1, 1000, 30_000);
    expect(window.nextRoomAt(0)).toBe(0);
    window.take(0);
    // Unanswered, the message holds its place until its bound…
    expect(window.nextRoomAt(5)).toBe(30_000);
    // …answered, for a window from its answer.
    window.answered(20);
    expect(window.nextRoomAt(25)).toBe(1020);
    expect(window.waitMs(25)).toBe(995);
  });
});
