import { enUS } from 'date-fns/locale';
import type { LanguagePack } from '../language.js';

/**
 * English: the reference catalog. Every other language has exactly its keys (plural keys take the
 * forms that language needs) and the same placeholders; `src/i18n/catalog.ts` checks it at load.
 */
export const messages = {
  words: { today: 'today', yesterday: 'yesterday', all: 'all' },
  usage: {
    problem: '⚠️ {{problem}}',
    line: 'Usage: {{usage}}',
    lineWithExamples: 'Usage: {{usage}} — e.g. {{examples}}',
  },
  errors: {
    notACommand: '{{command}} is not a command here. /help lists them.',
    apology: 'Sorry, something went wrong on our side. The error was logged; please try again later.',
    editorInChannel:
      '/{{command}} is for editors. Channel posts carry no user, so editor commands work only in private chats and groups, where your user id is known.',
    editorOnly: "/{{command}} is for the newsroom's editors only.",
    chatAdminOnly: "Only this chat's admins can use /{{command}} here.",
    noArguments: 'This command takes no arguments.',
    unknownChannel: 'Briefcast cannot tell which channel this came from; try again in a channel.',
    formExpired: 'This form is no longer in use; run the command again.',
    notSlash: 'Commands start with a slash. Try /help, /brief or /topics.',
  },
  missing: {
    topic: 'The topic is missing.',
    itemId: 'The item id is missing.',
    headline: 'The headline is missing.',
    body: 'The body is missing.',
  },
  parse: {
    time: '{{text}} is not a time of day; write it as HH:MM on a 24-hour clock, e.g. 08:30 or 7:00.',
    timezone: '{{text}} is not a time zone; use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.',
    date: '{{text}} is not a date; use YYYY-MM-DD (e.g. 2022-01-11), today or yesterday.',
    count: '{{text}} is not a number from {{min}} to {{max}}.',
    itemId: '{{text}} is not an item id; ids are whole numbers such as 12 (shown as #12).',
    topic: '{{text}} is not a topic; topics are {{topics}}.',
    noTopics: 'No topics given; topics are {{topics}}, or all.',
    allAndTopics: '"all" already means every topic; give either all or some topics.',
    twoTimes: 'Two times given ({{first}} and {{second}}); give one HH:MM.',
    twoTimezones: 'Two time zones given ({{first}} and {{second}}); give one.',
    language: '{{text}} is not a language Briefcast speaks; choose {{choices}}.',
  },
  item: {
    textForm:
      '<topic> <headline> on the first line, the body on the following lines, and optionally a last line "Source: NAME URL"',
    missing: 'The item is missing. Give {{form}}.',
    noHeadline: 'The headline is missing: put it after the topic on the first line.',
    noBody: 'The body is missing: write it on the lines after the headline.',
    headlineEmpty: 'The headline is empty.',
    headlineLong: 'The headline has {{length}} characters; the limit is {{limit}}.',
    bodyEmpty: 'The body is empty.',
    bodyLong: 'The body has {{length}} characters; the limit is {{limit}}.',
    sourceNameLong: 'The source name has {{length}} characters; the limit is {{limit}}.',
    urlScheme: 'The source URL {{url}} must start with http:// or https://.',
    urlLong: 'The source URL is longer than {{limit}} characters.',
    unknown: 'There is no item #{{id}}.',
  },
  forms: {
    item: 'News item',
    edit: 'Edit news item',
    topic: 'Topic',
    headline: 'Headline',
    body: 'Body',
    source: 'Source name',
    url: 'Source URL (http or https)',
  },
  commands: {
    start: {
      description: 'Welcome and help',
      usage: '/start',
      welcome:
        'Welcome to Briefcast: a daily briefing on crypto mining, blockchain policy and NFTs in China. Try /brief for today’s briefing.',
    },
    help: { description: 'The commands, the topics, and this chat’s subscription', usage: '/help' },
    brief: {
      description: 'The briefing of a day (today’s, or the latest)',
      usage: '/brief [YYYY-MM-DD|today|yesterday]',
      examples: '/brief  ·  /brief 2022-01-11  ·  /brief yesterday',
      args: { date: 'YYYY-MM-DD, today or yesterday' },
    },
    topic: {
      description: 'The latest items on one topic',
      usage: '/topic <topic> [count]',
      examples: '/topic nft  ·  /topic mining 3',
      args: { topic: 'The topic', count: 'How many items ({{min}}–{{max}}, default {{default}})' },
    },
    topics: { description: 'Every topic, its number of items and the date of its latest', usage: '/topics' },
    subscribe: {
      description: 'Get the daily digest here, or change its topics, time or time zone',
      usage: '/subscribe [topics…|all] [HH:MM] [timezone]',
      examples: '/subscribe mining nft 08:30 Asia/Shanghai  ·  /subscribe all 7:00 UTC  ·  /subscribe policy',
      args: {
        topics: 'Topics, comma-separated, or all',
        time: 'Delivery time, HH:MM (24-hour)',
        timezone: 'IANA time zone, e.g. Asia/Shanghai',
      },
    },
    unsubscribe: { description: 'Stop this chat’s daily digest', usage: '/unsubscribe' },
    settings: { description: 'This chat’s subscription and its next delivery', usage: '/settings' },
    language: {
      description: 'This chat’s language, or choose another (English or Chinese)',
      usage: '/language [en|zh]',
      examples: '/language  ·  /language zh  ·  /language en',
      args: { language: 'en (English) or zh (中文)' },
    },
    post: {
      description: 'Add a news item (editors)',
      usage: '/post <topic> <headline> ⏎ <body> ⏎ [Source: NAME URL]',
      examples:
        '/post mining China lists crypto mining as an industry to retire ⏎ The NDRC put … ⏎ Source: NDRC https://www.ndrc.gov.cn/',
      args: {
        topic: 'The topic',
        headline: 'The headline',
        body: 'The text (paragraphs allowed)',
        source: 'Source name',
        url: 'Source URL (http or https)',
      },
    },
    edit: {
      description: 'Replace a news item’s topic, headline, body and source (editors)',
      usage: '/edit <id> <topic> <headline> ⏎ <body> ⏎ [Source: NAME URL]',
      examples:
        '/edit 12 mining A corrected headline ⏎ The corrected text. ⏎ Source: NDRC https://www.ndrc.gov.cn/',
      args: {
        id: 'The item’s id (#12)',
        topic: 'The topic',
        headline: 'The headline',
        body: 'The text (paragraphs allowed)',
        source: 'Source name',
        url: 'Source URL (http or https)',
      },
    },
    delete: {
      description: 'Remove a news item (editors)',
      usage: '/delete <id>',
      examples: '/delete 12',
      args: { id: 'The item’s id (#12)' },
    },
    digest: {
      description: 'Preview this chat’s digest now; its delivery is not affected (editors)',
      usage: '/digest',
    },
    stats: {
      description: 'Subscriptions, items by topic and the last delivery run (editors)',
      usage: '/stats',
    },
  },
  help: {
    title: 'Briefcast — your daily briefing on China’s blockchain beat',
    entry: '{{usage}} — {{description}}',
    editors: 'Editor commands:',
    topics: 'Topics: {{topics}}.',
    noSubscription:
      'This chat has no subscription. /subscribe sends a digest every day at {{time}} ({{timezone}}).',
  },
  brief: {
    title: 'Briefing — {{date}}',
    latestInstead: 'Nothing yet today; this is the latest briefing.',
    noneLatest: 'No briefing for {{date}}. The latest briefing is {{latest}}: /brief {{latest}}',
    noneAtAll: 'No briefing for {{date}}. Nothing has been published yet.',
  },
  topic: {
    nothing: 'Nothing on {{topic}} yet.',
    title: '{{topic}} — latest {{shown}} of {{total}}',
  },
  topics: {
    title: 'Topics',
    entry: '{{name}}{{aliases}} — {{description}} {{items}}{{latest}}.',
    aliases: ' (also: {{aliases}})',
    items_one: '{{count, number}} item',
    items_other: '{{count, number}} items',
    latest: ', latest {{date}}',
    hint: 'Read one with /topic <topic> [count].',
  },
  subscribe: {
    created: 'Subscribed. This chat will get a digest every day.',
    resumed: 'Subscription resumed.',
    updated: 'Subscription updated.',
    hint: 'Change it with /subscribe [topics…] [HH:MM] [timezone]; stop it with /unsubscribe.',
  },
  unsubscribe: {
    done: 'Unsubscribed: this chat will get no more digests. /subscribe starts them again.',
    none: 'This chat has no subscription, so there is nothing to stop. /subscribe starts one.',
  },
  settings: {
    title: 'This chat’s subscription',
    none: 'This chat has no subscription. /subscribe [topics…] [HH:MM] [timezone] starts one; the defaults are all topics at {{time}} {{timezone}}.',
    topics: 'Topics',
    allTopics: 'all',
    delivery: 'Delivery',
    status: 'Status',
    active: 'active',
    paused: 'paused — {{reason}}',
    noReason: 'no reason given',
    next: 'Next digest',
    nextInGap: '{{when}} — the clocks skip {{time}} that day (they go forward)',
    nextInFold: '{{when}} — the first of the two {{time}}s that day (the clocks go back); one digest',
    noneWhilePaused: 'none while paused (/subscribe resumes it)',
    sent: 'Digests sent',
    lastSent: 'Last sent',
  },
  language: {
    current: 'This chat’s language: {{name}}.',
    fromPlatform: 'This chat’s language: {{name}} (from the platform’s settings; not chosen yet).',
    hint: 'Change it with /language {{choices}}.',
    changed: 'This chat’s language is now {{name}}.',
  },
  post: {
    title: 'Posted #{{id}} in {{topic}}',
    hint: 'Correct it with /edit {{id}}, remove it with /delete {{id}}.',
  },
  edit: { title: 'Updated #{{id}}' },
  delete: { done: 'Deleted #{{id}}: {{headline}}' },
  digest: {
    title: 'Your Briefcast digest',
    introDay: 'The latest briefing, {{date}}: {{topics}}.',
    introSince_one: '{{count, number}} new item since {{since}}: {{topics}}.',
    introSince_other: '{{count, number}} new items since {{since}}: {{topics}}.',
    more: '…and {{count, number}} more. See them with {{commands}}.',
    nothingSince: 'Nothing new since the last digest ({{since}}), so a digest now would not be sent.',
    nothingYet: 'Nothing has been published yet, so a digest now would not be sent.',
    preview: 'Preview: {{title}} (the delivery cursor did not move)',
    paused:
      'Briefcast paused this chat’s daily digest: {{reason}}. Give the bot permission to post here, then run /subscribe to resume it.',
    continued: '{{title}} (continued)',
  },
  stats: {
    title: 'Briefcast stats',
    subscriptions: 'Subscriptions: {{count, number}}',
    platform: '{{active, number}} active, {{paused, number}} paused',
    items: 'Items: {{count, number}}',
    runs: 'Last delivery runs:',
    run: '{{at}}: {{due, number}} due, {{sent, number}} sent, {{empty, number}} with nothing new, {{failed, number}} failed, {{paused, number}} paused, {{seconds, number(minimumFractionDigits: 1; maximumFractionDigits: 1)}} s.',
    noRun: 'No delivery run yet.',
  },
  platforms: { telegram: 'telegram', discord: 'discord', console: 'console' },
  console: {
    greeting:
      'Briefcast console — a local chat on the sample briefing; you are an editor. Type /help. (Set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN in .env to connect a platform.)',
  },
  autocomplete: { allTopics: 'all topics' },
  reasons: {
    blocked: 'the bot was blocked by the user',
    removed: 'the bot was removed from the chat',
    noRights: 'the bot may not send messages in this chat (missing rights)',
    topicClosed: 'the forum topic is closed',
    deactivated: 'the user deleted their account',
    notMember: 'the bot is not a member of the chat',
    chatDeleted: 'the chat was deleted',
    notStarted: 'the user has not started a chat with the bot',
    chatNotFound: 'the chat was not found',
    topicDeleted: 'the forum topic was deleted',
    channelDeleted: 'the channel was deleted',
    removedFromServer: 'the bot was removed from the server (or the server was deleted)',
    unknownChannel: 'the channel no longer exists (Discord: Unknown Channel)',
    unknownGuild: 'the bot is no longer in this server (Discord: Unknown Guild)',
    dmsClosed:
      'the user does not accept direct messages from the bot (Discord: Cannot send messages to this user)',
    noMutualGuild: 'the bot shares no server with this user any more (Discord: no mutual guilds)',
    missingAccess: 'the bot cannot see this channel; give it View Channel there (Discord: Missing Access)',
    missingPermissions:
      'the bot may not post here; give it Send Messages and Embed Links in this channel (Discord: Missing Permissions)',
  },
};

/** English. */
export default {
  code: 'en',
  name: 'English',
  aliases: ['english', 'en-us', 'en-gb'],
  discordLocales: ['en-US', 'en-GB'],
  dateLocale: enUS,
  dates: { day: 'EEE d MMM yyyy', dayTime: 'EEE d MMM yyyy, HH:mm', item: 'd MMM yyyy' },
  listSeparator: ', ',
  messages,
} satisfies LanguagePack;
