import type { Credentials } from '../shared/src/signing/credentials';
import type { CasterConfig } from './casters';

/**
 * The documented demo AccessKey pair, accepted when no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET are set. It only
 * opens this local emulator, so it is safe to print and to commit.
 */
export const DEMO_CREDENTIALS: Credentials = Object.freeze({
  accessKeyId: 'LTAI5tCasterCarouselDemo',
  accessKeySecret: 'caster-carousel-demo-secret',
});

/** The studio served when no `--casters` file is given: a DescribeCasterConfig answer with SDK field types. */
export const DEMO_STUDIO: CasterConfig = Object.freeze({
  CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
  CasterName: 'caster-carousel-demo',
  CallbackUrl: 'http://demo.example.com/caster/4a82a3d1b7f0462ea37348366201demo?auth_key=1893456000-0-0-5d41402abc4b2a76b9719d911017c592',
  DomainName: 'demo.example.com',
  SideOutputUrl: 'rtmp://demo.example.com/caster/4a82a3d1b7f0462ea37348366201demo?auth_key=1893456000-0-0-7d793037a0760186574b0282f2f435e7',
  SideOutputUrlList:
    'rtmp://demo.example.com/caster/4a82a3d1b7f0462ea37348366201demo?auth_key=1893456000-0-0-7d793037a0760186574b0282f2f435e7',
  AutoSwitchUrgentOn: 'false',
  AutoSwitchUrgentConfig: '{"eofThres":3}',
  ChannelEnable: 1,
  Delay: 0,
  ProgramEffect: 1,
  ProgramName: 'carousel',
  TranscodeConfig: { CasterTemplate: 'lp_ld', LiveTemplateIds: { LocationId: [] } },
}) as CasterConfig;

/**
 * A second demo studio, which `npm start` serves beside DEMO_STUDIO so that serving two studios can be tried
 * locally. Its own domain and callback, so the API tells the two apart as the service does.
 */
export const SECOND_DEMO_STUDIO: CasterConfig = Object.freeze({
  CasterId: 'LIVEPRODUCER_POST-cn-demo00002',
  CasterName: 'caster-carousel-demo-2',
  CallbackUrl: 'http://demo2.example.com/caster/9c1e07b55d2a4f3e8b60a1d2c3e4demo?auth_key=1893456000-0-0-0cc175b9c0f1b6a831c399e269772661',
  DomainName: 'demo2.example.com',
  SideOutputUrl:
    'rtmp://demo2.example.com/caster/9c1e07b55d2a4f3e8b60a1d2c3e4demo?auth_key=1893456000-0-0-92eb5ffee6ae2fec3ad71c777531578f',
  SideOutputUrlList:
    'rtmp://demo2.example.com/caster/9c1e07b55d2a4f3e8b60a1d2c3e4demo?auth_key=1893456000-0-0-92eb5ffee6ae2fec3ad71c777531578f',
  AutoSwitchUrgentOn: 'false',
  AutoSwitchUrgentConfig: '{"eofThres":3}',
  ChannelEnable: 1,
  Delay: 0,
  ProgramEffect: 1,
  ProgramName: 'carousel',
  TranscodeConfig: { CasterTemplate: 'lp_ld', LiveTemplateIds: { LocationId: [] } },
}) as CasterConfig;
